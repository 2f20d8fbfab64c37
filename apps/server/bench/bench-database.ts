// What the server's benchmarks share: a throw-away embedded PostgreSQL, migrated, and percentiles of sorted latencies.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase } from "@agenda/db/client";
import { startEmbeddedPostgres } from "@agenda/db/embedded";
import { migrateDatabase } from "@agenda/db/migrate";

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A migrated database in a temporary directory; `dispose` closes it and removes every trace. */
export async function throwAwayDatabase() {
  const workDir = await mkdtemp(join(tmpdir(), "agenda-bench-"));
  // The embedded server runs as another user when started as root: it must reach its data directory.
  await chmod(workDir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: join(workDir, "postgres"), disposable: true });
  await migrateDatabase(cluster.url);
  const { db, close } = createDatabase(cluster.url);
  const dispose = async () => {
    await close();
    await cluster.stop();
    await rm(workDir, { recursive: true, force: true });
  };
  return { db, url: cluster.url, dispose };
}
