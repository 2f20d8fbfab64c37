import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { expect } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDatabase, migrationsFolder } from "./migrate";

interface Journal {
  entries: Array<{ tag: string }>;
}

/**
 * Runs `test` on a database deployed just before migration `tag`, as a deployment that has not taken it yet: the test
 * writes rows as they were then, calls `migrateRest` (every migration from `tag` on, as a deploy would) and reads what
 * the migration made of them. The cluster is its own, thrown away after.
 */
export async function onDatabaseBefore(
  tag: string,
  test: (sql: postgres.Sql, migrateRest: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `agenda-db-${tag}-`));
  try {
    const before = join(dir, "before");
    await cp(migrationsFolder, before, { recursive: true });
    const journalPath = join(before, "meta", "_journal.json");
    const journal = JSON.parse(await readFile(journalPath, "utf8")) as Journal;
    const cut = journal.entries.findIndex((entry) => entry.tag === tag);
    expect(cut, `migration ${tag} in the journal`).toBeGreaterThan(0);
    await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));

    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, "cluster"), disposable: true });
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle({ client: sql, casing: "snake_case" }), { migrationsFolder: before });
      await test(sql, () => migrateDatabase(cluster.url));
    } finally {
      await sql.end();
      await cluster.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
