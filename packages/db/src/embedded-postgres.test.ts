import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresAlreadyRunningError, startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDatabase } from "./migrate";

describe("embedded PostgreSQL", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "agenda-db-test-"));
    await chmod(dir, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps its data across a stop and a start, and refuses a second server on the same data", async () => {
    const dataDir = join(dir, "cluster");
    const first = await startEmbeddedPostgres({ dataDir });
    const sql = postgres(first.url, { max: 1, onnotice: () => {} });
    await sql`create table kept (value text)`;
    await sql`insert into kept values ('still here')`;
    await sql.end();

    await expect(startEmbeddedPostgres({ dataDir })).rejects.toBeInstanceOf(PostgresAlreadyRunningError);
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir });
    const again = postgres(second.url, { max: 1, onnotice: () => {} });
    expect(await again`select value from kept`).toEqual([{ value: "still here" }]);
    await again.end();
    await second.stop();
  });

  it("migrates idempotently, even from two processes at once", async () => {
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, "migrated"), disposable: true });
    try {
      await Promise.all([migrateDatabase(cluster.url), migrateDatabase(cluster.url)]);
      await migrateDatabase(cluster.url);
      const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
      const tables = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
      const applied = await sql`select count(*)::int as count from drizzle.__drizzle_migrations`;
      await sql.end();
      expect(tables.map(({ tablename }) => tablename)).toEqual(
        expect.arrayContaining(["users", "formations", "enrollments", "calendar_integrations", "agenda_events", "sync_cursors", "graph_subscriptions", "audit_log", "service_tokens"]),
      );
      expect(applied[0]?.count).toBeGreaterThan(0);
    } finally {
      await cluster.stop();
    }
  });
});
