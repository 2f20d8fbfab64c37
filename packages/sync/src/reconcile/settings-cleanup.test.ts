import { agendaEvents, auditLog, syncCursors } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { updateOutlookSettings } from "../connection/integrations";
import { exportPersonalEvents } from "../export/personal-event-writes";
import { importIntegration } from "../import/import-integration";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { timedOutlookEvent } from "../testing/outlook-events";

const { database, services, admin, mailboxEvents } = useTestMailboxes(["untick", "importoff", "edited"]);

/** A mailbox with two events in its default calendar and three in a "Projets" calendar, both imported. */
async function connectWithTwoCalendars(name: string) {
  const mailbox = mailboxOf(name);
  const { user, integration } = await connectTestUser(services(), { name, mailbox });
  const { calendars } = (await admin("GET", `/mailboxes/${mailbox}`)) as {
    calendars: Array<{ id: string; isDefaultCalendar: boolean }>;
  };
  const main = calendars.find(({ isDefaultCalendar }) => isDefaultCalendar)?.id ?? "";
  const { id: projects } = (await admin("POST", `/mailboxes/${mailbox}/calendars`, { name: "Projets" })) as {
    id: string;
  };
  await admin("POST", `/mailboxes/${mailbox}/events`, {
    calendarId: main,
    events: [timedOutlookEvent("Dentiste", 24), timedOutlookEvent("Réunion", 48)],
  });
  await admin("POST", `/mailboxes/${mailbox}/events`, {
    calendarId: projects,
    events: [timedOutlookEvent("Jalon 1", 30), timedOutlookEvent("Jalon 2", 54), timedOutlookEvent("Jalon 3", 78)],
  });
  await updateOutlookSettings(services(), user.id, { importCalendarIds: [main, projects] });
  await importNow(integration.id);
  return { user, integrationId: integration.id, main, projects };
}

function importNow(integrationId: string) {
  return runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run));
}

async function agendaTitles(user: User): Promise<string[]> {
  const rows = await database()
    .db.select({ title: agendaEvents.title })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), isNull(agendaEvents.deletedAt)));
  return rows.map(({ title }) => title).sort();
}

async function cursorCalendars(integrationId: string): Promise<string[]> {
  const rows = await database()
    .db.select({ calendarId: syncCursors.calendarId })
    .from(syncCursors)
    .where(eq(syncCursors.integrationId, integrationId));
  return rows.map(({ calendarId }) => calendarId).sort();
}

describe("settings that clean up after themselves", () => {
  it("unticking a calendar takes its events out of the agenda at once and forgets its cursor; ticking it again brings them back", async () => {
    const { user, integrationId, main, projects } = await connectWithTwoCalendars("untick");
    expect(await agendaTitles(user)).toEqual(["Dentiste", "Jalon 1", "Jalon 2", "Jalon 3", "Réunion"]);

    const unticked = await updateOutlookSettings(services(), user.id, { importCalendarIds: [main] });
    expect(unticked.cleanup.importedEventsRemoved).toBe(3);
    expect(unticked.importedEventCounts).toEqual({ [main]: 2 });
    expect(await agendaTitles(user)).toEqual(["Dentiste", "Réunion"]);
    expect(await cursorCalendars(integrationId)).toEqual([main]);
    // Only the agenda forgets them: Outlook keeps its events.
    expect((await mailboxEvents("untick")).map(({ subject }) => subject).sort()).toEqual([
      "Dentiste",
      "Jalon 1",
      "Jalon 2",
      "Jalon 3",
      "Réunion",
    ]);
    const [audit] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.integrationId, integrationId), eq(auditLog.action, "outlook.imported_events_removed")));
    expect(audit).toMatchObject({ userId: user.id, actorUserId: user.id, detail: { count: 3 } });

    // An import of the calendars left does not bring them back.
    await importNow(integrationId);
    expect(await agendaTitles(user)).toEqual(["Dentiste", "Réunion"]);

    const ticked = await updateOutlookSettings(services(), user.id, { importCalendarIds: [main, projects] });
    expect(ticked.cleanup.importedEventsRemoved).toBe(0);
    const reimport = await importNow(integrationId);
    expect(reimport.result.calendars.find(({ calendarId }) => calendarId === projects)).toMatchObject({
      fullRound: true,
      status: "complete",
    });
    expect(reimport.result.created).toBe(3);
    expect(await agendaTitles(user)).toEqual(["Dentiste", "Jalon 1", "Jalon 2", "Jalon 3", "Réunion"]);
  });

  it("turning import off takes every imported event out; on again, they come back", async () => {
    const { user, integrationId } = await connectWithTwoCalendars("importoff");
    const off = await updateOutlookSettings(services(), user.id, { importEnabled: false });
    expect(off.cleanup.importedEventsRemoved).toBe(5);
    expect(await agendaTitles(user)).toEqual([]);
    expect(await cursorCalendars(integrationId)).toEqual([]);

    await updateOutlookSettings(services(), user.id, { importEnabled: true });
    await importNow(integrationId);
    expect(await agendaTitles(user)).toHaveLength(5);
  });

  it("an Outlook event edited in the agenda leaves with its calendar without its removal reaching Outlook", async () => {
    const { user, integrationId, main } = await connectWithTwoCalendars("edited");
    const db = database().db;
    const [jalon] = await db
      .select()
      .from(agendaEvents)
      .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.title, "Jalon 1")));
    // An edit made in the agenda that Outlook has not received yet.
    await db
      .update(agendaEvents)
      .set({ title: "Jalon 1 (déplacé)", version: (jalon?.version ?? 1) + 1 })
      .where(eq(agendaEvents.id, jalon?.id ?? ""));

    await updateOutlookSettings(services(), user.id, { importCalendarIds: [main] });
    const exported = await runSync(services(), integrationId, "export", "manual", (run) => exportPersonalEvents(run));
    expect(exported.result).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect((await mailboxEvents("edited")).map(({ subject }) => subject)).toContain("Jalon 1");
  });
});
