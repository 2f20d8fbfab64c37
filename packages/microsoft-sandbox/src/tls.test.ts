import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureSandboxCertificates } from "./tls";

const directories: string[] = [];

async function freshDirectory(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), "sandbox-tls-"));
  directories.push(parent);
  return join(parent, "tls");
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Connects to 127.0.0.1 trusting only `caPem`; `servername` checks the certificate against a host name instead. */
async function handshake(caPem: string, certPem: string, keyPem: string, servername?: string): Promise<number> {
  const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, ca: caPem, path: "/", ...(servername ? { servername } : {}) },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

describe("ensureSandboxCertificates", () => {
  it("creates a CA and a server certificate for loopback that a client trusting only the CA accepts", async () => {
    const paths = await ensureSandboxCertificates(await freshDirectory());
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(paths.caCertPath, "utf8"),
      readFile(paths.certPath, "utf8"),
      readFile(paths.keyPath, "utf8"),
    ]);
    const ca = new X509Certificate(caPem);
    const server = new X509Certificate(certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBeDefined();
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(await handshake(caPem, certPem, keyPem, "localhost")).toBe(200);
  });

  it("reuses the files of an earlier run and re-issues a missing server certificate from the same CA", async () => {
    const dir = await freshDirectory();
    const first = await ensureSandboxCertificates(dir);
    const caPem = await readFile(first.caCertPath, "utf8");
    const certPem = await readFile(first.certPath, "utf8");

    const second = await ensureSandboxCertificates(dir);
    expect(await readFile(second.caCertPath, "utf8")).toBe(caPem);
    expect(await readFile(second.certPath, "utf8")).toBe(certPem);

    await rm(first.certPath);
    const third = await ensureSandboxCertificates(dir);
    const reissued = await readFile(third.certPath, "utf8");
    expect(reissued).not.toBe(certPem);
    expect(await readFile(third.caCertPath, "utf8")).toBe(caPem);
    expect(new X509Certificate(reissued).verify(new X509Certificate(caPem).publicKey)).toBe(true);
  });

  it("gives concurrent first runs one consistent set of files", async () => {
    const dir = await freshDirectory();
    const results = await Promise.all([1, 2, 3].map(() => ensureSandboxCertificates(dir)));
    const caPem = await readFile(results[0]!.caCertPath, "utf8");
    const certPem = await readFile(results[0]!.certPath, "utf8");
    const keyPem = await readFile(results[0]!.keyPath, "utf8");
    expect(await handshake(caPem, certPem, keyPem)).toBe(200);
  });
});
