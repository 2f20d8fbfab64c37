import { describe, expect, it } from "vitest";
import { onDatabaseBefore } from "./migration-testing";

describe("migration 0011_formation_sessions", () => {
  it("turns each formation into its one session, and keeps in line only the copies that showed its version", async () => {
    // Rows as a database deployed before sessions has them.
    await onDatabaseBefore("0011_formation_sessions", async (sql, migrateRest) => {
      const [formation] = await sql<{ id: string }[]>`
      insert into formations (title, starts_at, ends_at, time_zone, version)
      values ('Excel', '2026-12-14T08:00:00Z', '2026-12-14T11:00:00Z', 'Europe/Paris', 3) returning id`;
      // One participant each: before sessions, a person had one row per formation.
      const copy = async (title: string, exportedVersion: number | null) => {
        const [user] = await sql<{ id: string }[]>`
        insert into users (platform_user_id, email, name) values (${title}, ${`${title}@b.test`}, ${title}) returning id`;
        await sql`
      insert into agenda_events (owner_id, source, formation_id, title, starts_at, ends_at, time_zone, version, exported_formation_version)
      values (${user?.id ?? ""}, 'formation', ${formation?.id ?? ""}, ${title}, '2026-12-14T08:00:00Z', '2026-12-14T11:00:00Z', 'UTC', 5, ${exportedVersion})`;
      };
      await copy("in line", 3);
      await copy("behind", 2);
      await copy("never exported", null);

      await migrateRest();
      const sessions = await sql<{ id: string; position: number; startsAt: string }[]>`
      select id, position, starts_at::text as "startsAt" from formation_sessions where formation_id = ${formation?.id ?? ""}`;
      expect(sessions).toEqual([{ id: expect.any(String), position: 1, startsAt: "2026-12-14 08:00:00+00" }]);
      const rows = await sql<{ title: string; sessionId: string; exported: number | null }[]>`
      select title, formation_session_id as "sessionId", exported_formation_version as exported
      from agenda_events order by title`;
      expect(rows).toEqual([
        { title: "behind", sessionId: sessions[0]?.id, exported: null },
        { title: "in line", sessionId: sessions[0]?.id, exported: 5 },
        { title: "never exported", sessionId: sessions[0]?.id, exported: null },
      ]);
    });
  });
});
