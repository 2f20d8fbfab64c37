import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { startServerProcess } from "./server-process";

export interface DemoProduct {
  url: string;
  /** The Microsoft sandbox the server runs, whose admin API acts as a mailbox owner in Outlook. */
  sandboxUrl: string;
  /** The server's database, for what a test must arrange behind the product's back. */
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The product as `npm start` runs it on a fresh machine, for end-to-end tests: demo mode, the Microsoft sandbox
 * in-process, the built apps, on an embedded PostgreSQL in a throw-away data dir (started here rather than by the
 * server, so tests can reach it too). The sandbox's CA must already be trusted (NODE_EXTRA_CA_CERTS), as the shared
 * test setup does.
 */
export async function startDemoProduct(label: string): Promise<DemoProduct> {
  const dataDir = await mkdtemp(join(tmpdir(), `agenda-${label}-`));
  // Embedded PostgreSQL runs as the `postgres` user when tests run as root: it must reach its data dir.
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), disposable: true });
  const server = await startServerProcess({ DATA_DIR: dataDir, DEMO_MODE: "true", DATABASE_URL: postgres.url });
  const [, sandboxUrl] = await server.printed(/sandbox at (https:\/\/[^\s"]+)/, "the Microsoft sandbox");
  return {
    url: server.url,
    sandboxUrl: sandboxUrl ?? "",
    databaseUrl: postgres.url,
    async stop() {
      await server.stop();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
