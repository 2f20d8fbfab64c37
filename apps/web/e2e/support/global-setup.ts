import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { startServerProcess } from "@agenda/testing/server-process";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    agendaUrl: string;
    /** The server's database, for what a test must arrange behind the product's back (a job that failed for good). */
    agendaDatabaseUrl: string;
    /** The Microsoft sandbox the server runs, whose admin API acts as the mailbox owner in Outlook. */
    sandboxUrl: string;
  }
}

const builtIndex = fileURLToPath(new URL("../../dist/index.html", import.meta.url));

/**
 * One real server for the whole end-to-end run, as `npm start` runs it: demo mode, the Microsoft sandbox in-process,
 * and the built web app, on an embedded PostgreSQL in a throw-away data dir (started here rather than by the server,
 * so tests can reach it too). The global setup before this one (vitest.shared.ts) made the sandbox's CA trusted
 * through NODE_EXTRA_CA_CERTS, which the server inherits.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(builtIndex)) throw new Error("apps/web/dist is missing: `npm run test:e2e -w @agenda/web` builds it first");
  const dataDir = await mkdtemp(join(tmpdir(), "agenda-web-e2e-"));
  // Embedded PostgreSQL runs as the `postgres` user when tests run as root: it must reach its data dir.
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), disposable: true });
  const server = await startServerProcess({ DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: postgres.url });
  const [, sandboxUrl] = await server.printed(/sandbox at (https:\/\/\S+)/, "the Microsoft sandbox");
  project.provide("agendaUrl", server.url);
  project.provide("agendaDatabaseUrl", postgres.url);
  project.provide("sandboxUrl", sandboxUrl ?? "");
  return async () => {
    await server.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
