import { DEFAULT_TLS_DIR, ensureSandboxCertificates } from "@agenda/microsoft-sandbox";

/**
 * Vitest global setup, in the main process: test workers fork after it, so they (and the servers they spawn)
 * trust the Microsoft sandbox's local CA through NODE_EXTRA_CA_CERTS, which Node reads only at start.
 */
export default async function trustSandboxCa(): Promise<void> {
  process.env.NODE_EXTRA_CA_CERTS = (await ensureSandboxCertificates(DEFAULT_TLS_DIR)).caCertPath;
}
