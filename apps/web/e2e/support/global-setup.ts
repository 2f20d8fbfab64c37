import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServerProcess } from "@agenda/testing/server-process";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    agendaUrl: string;
  }
}

const builtIndex = fileURLToPath(new URL("../../dist/index.html", import.meta.url));

/**
 * One real server for the whole end-to-end run, as `npm start` runs it: demo mode, embedded PostgreSQL in a
 * throw-away data dir, the Microsoft sandbox in-process, and the built web app. The global setup before this one
 * (vitest.shared.ts) made the sandbox's CA trusted through NODE_EXTRA_CA_CERTS, which the server inherits.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(builtIndex)) throw new Error("apps/web/dist is missing: `npm run test:e2e -w @agenda/web` builds it first");
  const dataDir = await mkdtemp(join(tmpdir(), "agenda-web-e2e-"));
  // Embedded PostgreSQL runs as the `postgres` user when tests run as root: it must reach its data dir.
  await chmod(dataDir, 0o755);
  const server = await startServerProcess({ DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: "" });
  project.provide("agendaUrl", server.url);
  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
