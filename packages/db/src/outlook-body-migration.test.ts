import { describe, expect, it } from "vitest";
import { onDatabaseBefore } from "./migration-testing";

describe("migration 0005_outlook_body", () => {
  it("records the body of personal events in line with Outlook as the one last synced, and no other", async () => {
    // Rows as a database deployed before 0005 has them.
    await onDatabaseBefore("0005_outlook_body", async (sql, migrateRest) => {
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

      await migrateRest();
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
    });
  });
});
