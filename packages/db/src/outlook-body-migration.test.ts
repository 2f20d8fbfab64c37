import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDatabase, migrationsFolder } from "./migrate";

interface Journal {
  entries: Array<{ tag: string }>;
}

describe("migration 0005_outlook_body", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "agenda-db-outlook-body-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("records the body of personal events in line with Outlook as the one last synced, and no other", async () => {
    // The migrations before 0005, as a database deployed before it has them.
    const before = join(dir, "before");
    await cp(migrationsFolder, before, { recursive: true });
    const journalPath = join(before, "meta", "_journal.json");
    const journal = JSON.parse(await readFile(journalPath, "utf8")) as Journal;
    const cut = journal.entries.findIndex(({ tag }) => tag === "0005_outlook_body");
    expect(cut).toBeGreaterThan(0);
    await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));

    const cluster = await startEmbeddedPostgres({ dataDir: join(dir, "cluster"), disposable: true });
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle({ client: sql, casing: "snake_case" }), { migrationsFolder: before });
      const [user] = await sql<
        { id: string }[]
      >`insert into users (platform_user_id, email, name) values ('p1', 'a@b.test', 'A') returning id`;
      const event = (
        title: string,
        source: string,
        graphEventId: string | null,
        version: number,
        outlookVersion: number | null,
      ) => sql`
        insert into agenda_events (owner_id, source, title, body, starts_at, ends_at, time_zone, graph_event_id, version, outlook_version)
        values (${user?.id ?? ""}, ${source}, ${title}, ${`body of ${title}`}, now(), now(), 'UTC', ${graphEventId}, ${version}, ${outlookVersion})`;
      await event("in line", "outlook", "g1", 2, 2);
      await event("exported", "platform", "g2", 1, 1);
      await event("pending", "outlook", "g3", 3, 2);
      await event("never exported", "platform", null, 1, null);
      await event("formation", "formation", "g4", 1, null);

      await migrateDatabase(cluster.url);
      const rows = await sql<
        { title: string; outlookBody: string | null }[]
      >`select title, outlook_body as "outlookBody" from agenda_events order by title`;
      expect(rows).toEqual([
        { title: "exported", outlookBody: "body of exported" },
        { title: "formation", outlookBody: null },
        { title: "in line", outlookBody: "body of in line" },
        { title: "never exported", outlookBody: null },
        { title: "pending", outlookBody: null },
      ]);
    } finally {
      await sql.end();
      await cluster.stop();
    }
  });
});
