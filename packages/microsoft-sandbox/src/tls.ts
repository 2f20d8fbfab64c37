// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata polyfill loaded first.
import "reflect-metadata";
import { X509Certificate as NodeX509Certificate, randomBytes, webcrypto } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as x509 from "@peculiar/x509";

export interface SandboxCertificates {
  /** The local CA certificate (PEM) that clients trust, e.g. through NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  /** Server certificate (PEM) for 127.0.0.1, localhost and ::1, signed by the CA. */
  certPath: string;
  keyPath: string;
}

/** `<repo root>/.data/sandbox/tls`: kept out of git by the root .gitignore. */
export const DEFAULT_TLS_DIR = fileURLToPath(new URL("../../../.data/sandbox/tls", import.meta.url));

const CA_CERT = "ca.pem";
const CA_KEY = "ca-key.pem";
const SERVER_CERT = "server.pem";
const SERVER_KEY = "server-key.pem";

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 3650;
const SERVER_LIFETIME_DAYS = 397;
/** A server certificate this close to expiry is re-issued (by the same CA, so clients keep trusting it). */
const SERVER_RENEWAL_MARGIN_DAYS = 30;

const KEY_ALGORITHM: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: "ECDSA",
  namedCurve: "P-256",
  hash: "SHA-256",
};

// The library looks for a browser's `self.crypto`; Node's WebCrypto is the same API under another name.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

/**
 * Returns the sandbox's local CA and server certificate under `dir`, generating them at first run and reusing
 * them afterwards, so a product that trusts the CA once keeps trusting every later sandbox run.
 */
export async function ensureSandboxCertificates(dir: string = DEFAULT_TLS_DIR): Promise<SandboxCertificates> {
  const paths = {
    caCertPath: join(dir, CA_CERT),
    certPath: join(dir, SERVER_CERT),
    keyPath: join(dir, SERVER_KEY),
  };
  let ca = await readCertificateAuthority(dir);
  if (!ca) {
    await createCertificateDirectory(dir);
    ca = await readCertificateAuthority(dir);
    if (!ca) throw new Error(`${dir} holds an incomplete certificate set without its CA; delete it to regenerate`);
  }
  if (!(await serverCertificateIsUsable(paths.certPath, paths.keyPath, ca.certificatePem))) {
    const server = await issueServerCertificate(ca);
    await writeAtomically(paths.keyPath, server.keyPem, 0o600);
    await writeAtomically(paths.certPath, server.certificatePem, 0o644);
  }
  return paths;
}

interface CertificateAuthority {
  certificatePem: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

async function readCertificateAuthority(dir: string): Promise<CertificateAuthority | undefined> {
  const [certificatePem, keyPem] = await Promise.all([
    readOptional(join(dir, CA_CERT)),
    readOptional(join(dir, CA_KEY)),
  ]);
  if (!certificatePem || !keyPem) return undefined;
  const certificate = new x509.X509Certificate(certificatePem);
  const privateKey = await webcrypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(keyPem),
    KEY_ALGORITHM,
    false,
    ["sign"],
  );
  const publicKey = await certificate.publicKey.export(KEY_ALGORITHM, ["verify"]);
  return { certificatePem, certificate, keys: { privateKey, publicKey } };
}

/**
 * Several processes (a test run's config, a product's start script, the CLI) may reach here at once: each builds
 * a complete set of files in a private directory and renames it into place, so whoever loses the race simply
 * uses the winner's files and no process ever sees a server certificate from another CA.
 */
async function createCertificateDirectory(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const staging = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await mkdir(staging, { recursive: true });
  try {
    const ca = await createCertificateAuthority();
    const server = await issueServerCertificate(ca);
    await writeFile(join(staging, CA_KEY), await exportPrivateKey(ca.keys.privateKey), { mode: 0o600 });
    await writeFile(join(staging, CA_CERT), ca.certificatePem, { mode: 0o644 });
    await writeFile(join(staging, SERVER_KEY), server.keyPem, { mode: 0o600 });
    await writeFile(join(staging, SERVER_CERT), server.certificatePem, { mode: 0o644 });
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function createCertificateAuthority(): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=Agenda Microsoft Sandbox Local CA ${randomBytes(3).toString("hex")}, O=Agenda (local development only)`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, certificatePem: certificate.toString("pem"), keys };
}

async function issueServerCertificate(ca: CertificateAuthority): Promise<{ certificatePem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: "CN=127.0.0.1",
    issuer: ca.certificate.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + SERVER_LIFETIME_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { certificatePem: certificate.toString("pem"), keyPem: await exportPrivateKey(keys.privateKey) };
}

async function serverCertificateIsUsable(certPath: string, keyPath: string, caPem: string): Promise<boolean> {
  const [certificatePem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (!certificatePem || !keyPem) return false;
  const certificate = new NodeX509Certificate(certificatePem);
  const renewAfter = Date.parse(certificate.validTo) - SERVER_RENEWAL_MARGIN_DAYS * DAY_MS;
  return Date.now() < renewAfter && certificate.verify(new NodeX509Certificate(caPem).publicKey);
}

async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

function serialNumber(): string {
  // A positive 16-byte serial: the high bit cleared keeps the DER INTEGER from reading as negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, path);
}
