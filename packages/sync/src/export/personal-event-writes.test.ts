import { agendaEvents, syncConflicts } from "@agenda/db/schema";
import { createEvent, createEventInput, deleteEvent, updateEvent, updateEventInput } from "@agenda/domain/events";
import type { User } from "@agenda/domain/users";
import { type SandboxMailboxEvent } from "@agenda/testing/sandbox";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { importIntegration } from "../import/import-integration";
import { AGENDA_EVENT_ID_PROPERTY } from "./outlook-event-tags";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { exportPersonalEvents } from "./personal-event-writes";
import { isBatchEnvelope, type LoggedRequest } from "../testing/sandbox-request-log";

const MAILBOXES = ["pia", "quentin", "rosa", "sam", "tom", "uma", "val", "wes", "xia", "yan"];
const { database, services, mailboxEvents, admin } = useTestMailboxes(MAILBOXES);
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 100 };
const HOUR_MS = 3_600_000;

/** The requests Outlook received for the mailbox, batch envelopes left out: each one inside them is there. */
async function requestLog(name: string): Promise<LoggedRequest[]> {
  return ((await admin("GET", `/requests?mailbox=${mailboxOf(name)}`)) as { value: LoggedRequest[] }).value.filter(
    (entry) => !isBatchEnvelope(entry),
  );
}

async function withFaults<T>(faults: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  await admin("PATCH", "/faults", faults);
  try {
    return await work();
  } finally {
    await admin("PUT", "/faults", {});
  }
}

async function connect(name: string): Promise<{ user: User; integrationId: string }> {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  return { user, integrationId: integration.id };
}

async function runExport(integrationId: string, retry: Record<string, number> = {}) {
  const { result, stats } = await runSync(services(), integrationId, "export", "manual", (run) =>
    exportPersonalEvents(run, { retry: { ...FAST_RETRY, ...retry } }),
  );
  return { ...result, issues: stats.issues };
}

async function runImport(integrationId: string) {
  return (await runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run))).result;
}

/** An instant `hours` from now, on a whole minute. */
const hoursFromNow = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR_MS) / 60_000) * 60_000);

function graphTimes(hours: number) {
  const start = hoursFromNow(hours);
  const at = (date: Date) => ({ dateTime: date.toISOString().slice(0, 19), timeZone: "UTC" });
  return { start: at(start), end: at(new Date(start.getTime() + HOUR_MS)) };
}

async function createPlatformEvent(user: User, fields: Record<string, unknown>) {
  return createEvent(database().db, user, createEventInput.parse(fields));
}

async function editInPlatform(user: User, id: string, fields: Record<string, unknown>) {
  return updateEvent(database().db, user.id, updateEventInput.parse({ id, ...fields }));
}

async function rowOf(id: string) {
  const [row] = await database().db.select().from(agendaEvents).where(eq(agendaEvents.id, id));
  if (!row) throw new Error(`no agenda event ${id}`);
  return row;
}

async function outlookRows(integrationId: string) {
  return database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.integrationId, integrationId), eq(agendaEvents.source, "outlook")))
    .orderBy(asc(agendaEvents.startsAt));
}

async function conflictsOf(user: User) {
  return database()
    .db.select()
    .from(syncConflicts)
    .where(eq(syncConflicts.ownerId, user.id))
    .orderBy(asc(syncConflicts.detectedAt));
}

const agendaIdOf = (event: SandboxMailboxEvent) =>
  event.singleValueExtendedProperties?.find(({ id }) => id.toLowerCase() === AGENDA_EVENT_ID_PROPERTY.toLowerCase())
    ?.value;
const writes = (log: LoggedRequest[]) =>
  log.filter(({ method }) => method !== "GET").map(({ method, status }) => `${method} ${status}`);
const calls = (log: LoggedRequest[]) => log.map(({ method, status }) => `${method} ${status}`);

/** Seeds Outlook events and imports them: the agenda's Outlook rows, soonest first. */
async function importedOutlookEvents(name: string, integrationId: string, events: Array<Record<string, unknown>>) {
  await admin("POST", `/mailboxes/${mailboxOf(name)}/events`, { events });
  await runImport(integrationId);
  return outlookRows(integrationId);
}

describe("exporting personal events to Outlook", () => {
  it("creates, updates and deletes platform events in the export calendar, and takes its own writes read back for echoes", async () => {
    const { user, integrationId } = await connect("pia");
    const dentist = await createPlatformEvent(user, {
      title: "Dentiste",
      body: "Apporter la carte",
      location: "Cabinet Martin",
      startsAt: hoursFromNow(26).toISOString(),
      endsAt: hoursFromNow(27).toISOString(),
      timeZone: "Europe/Paris",
      showAs: "oof",
    });
    const holiday = await createPlatformEvent(user, {
      title: "Congé",
      isAllDay: true,
      startDate: "2026-08-03",
      endDate: "2026-08-05",
      timeZone: "Europe/Paris",
    });

    expect(await runExport(integrationId)).toMatchObject({ created: 2, updated: 0, deleted: 0, failed: 0, issues: [] });
    const events = await mailboxEvents("pia");
    const copyOf = (id: string) => events.find((event) => agendaIdOf(event) === id);
    expect(copyOf(dentist.id)).toMatchObject({
      subject: "Dentiste",
      isAllDay: false,
      showAs: "oof",
      location: { displayName: "Cabinet Martin" },
    });
    expect(copyOf(dentist.id)?.body.content).toContain("Apporter la carte");
    expect(copyOf(dentist.id)?.start.dateTime.slice(0, 16)).toBe(dentist.startsAt.slice(0, 16));
    expect(copyOf(holiday.id)).toMatchObject({
      subject: "Congé",
      isAllDay: true,
      start: { dateTime: expect.stringMatching(/^2026-08-03T00:00:00/) },
    });
    for (const event of [dentist, holiday]) {
      const row = await rowOf(event.id);
      expect(row).toMatchObject({
        integrationId,
        graphEventId: copyOf(event.id)?.immutableId,
        graphChangeKey: copyOf(event.id)?.changeKey,
        outlookVersion: 1,
        version: 1,
        syncStatus: "synced",
      });
      expect(row.graphTransactionId).toBe(copyOf(event.id)?.transactionId);
    }

    // Read back by the import, its own creates change nothing, and nothing is sent again.
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    const sent = (await requestLog("pia")).length;
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await requestLog("pia")).toHaveLength(sent);
    expect((await rowOf(dentist.id)).version).toBe(1);

    await editInPlatform(user, dentist.id, {
      title: "Dentiste (contrôle)",
      startsAt: hoursFromNow(50).toISOString(),
      endsAt: hoursFromNow(51).toISOString(),
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    expect((await mailboxEvents("pia")).find((event) => agendaIdOf(event) === dentist.id)).toMatchObject({
      subject: "Dentiste (contrôle)",
      location: { displayName: "Cabinet Martin" },
    });
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    const afterUpdate = (await requestLog("pia")).length;
    expect(await runExport(integrationId)).toMatchObject({ updated: 0 });
    expect(await requestLog("pia")).toHaveLength(afterUpdate);
    expect(await rowOf(dentist.id)).toMatchObject({ version: 2, outlookVersion: 2 });

    await deleteEvent(database().db, user.id, holiday.id);
    expect(await runExport(integrationId)).toMatchObject({ deleted: 1 });
    expect((await mailboxEvents("pia")).map(agendaIdOf)).toEqual([dentist.id]);
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    expect(await rowOf(holiday.id)).toMatchObject({ deletedAt: expect.any(Date), version: 2, outlookVersion: 2 });

    // Deleted in Outlook, with nothing pending here: deleted in the agenda too.
    await admin("DELETE", `/mailboxes/${mailboxOf("pia")}/events/${(await rowOf(dentist.id)).graphEventId}`);
    expect(await runImport(integrationId)).toMatchObject({ deleted: 1, toExport: 0 });
    expect(await rowOf(dentist.id)).toMatchObject({ deletedAt: expect.any(Date), version: 3, outlookVersion: 3 });
    expect(await conflictsOf(user)).toEqual([]);
  });

  it("creates each event once when create answers are lost, within a run (transactionId) or across runs (agenda-id property)", async () => {
    const { user, integrationId } = await connect("quentin");
    const created = [];
    for (let n = 0; n < 6; n++)
      created.push(
        await createPlatformEvent(user, {
          title: `Lost ${n}`,
          startsAt: hoursFromNow(24 + n).toISOString(),
          endsAt: hoursFromNow(25 + n).toISOString(),
        }),
      );
    const counts = await withFaults({ seed: 7, lostCreateRate: 0.5 }, () => runExport(integrationId));
    expect(counts).toMatchObject({ created: 6, failed: 0 });
    expect(
      (await requestLog("quentin")).filter(({ injected }) => injected === "fault:lost-create-response").length,
    ).toBeGreaterThan(0);

    // The answer lost and no retry left (a retry would get the event Outlook made for its transactionId): the events
    // exist, their rows do not know them.
    const unlucky = await createPlatformEvent(user, {
      title: "Unlucky",
      startsAt: hoursFromNow(40).toISOString(),
      endsAt: hoursFromNow(41).toISOString(),
    });
    const adopted = await createPlatformEvent(user, {
      title: "Adopted",
      startsAt: hoursFromNow(42).toISOString(),
      endsAt: hoursFromNow(43).toISOString(),
    });
    expect(await withFaults({ lostCreateRate: 1 }, () => runExport(integrationId, { maxAttempts: 1 }))).toMatchObject({
      created: 0,
      failed: 2,
    });
    expect(await rowOf(unlucky.id)).toMatchObject({
      graphEventId: null,
      syncStatus: "pending",
      graphTransactionId: expect.any(String),
    });

    // The import recognises its own creates by their transactionId: no Outlook row, the platform rows take the ids.
    await runImport(integrationId);
    expect(await outlookRows(integrationId)).toEqual([]);
    expect(await rowOf(adopted.id)).toMatchObject({ graphEventId: expect.any(String), outlookVersion: 1 });
    // Without an import in between, the export finds the copy by the agenda-id property.
    await database()
      .db.update(agendaEvents)
      .set({ graphEventId: null, graphChangeKey: null, outlookVersion: null })
      .where(eq(agendaEvents.id, unlucky.id));
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, failed: 0 });

    const ids = (await mailboxEvents("quentin")).map(agendaIdOf).sort();
    expect(ids).toEqual([...created, unlucky, adopted].map(({ id }) => id).sort());
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 0 });

    // Deleted here before its lost create was found: an import takes the copy for an Outlook event; the export finds
    // the copy by its property, drops that echo row and deletes the copy.
    const regretted = await createPlatformEvent(user, {
      title: "Regretted",
      startsAt: hoursFromNow(44).toISOString(),
      endsAt: hoursFromNow(45).toISOString(),
    });
    await withFaults({ lostCreateRate: 1 }, () => runExport(integrationId, { maxAttempts: 1 }));
    await deleteEvent(database().db, user.id, regretted.id);
    await runImport(integrationId);
    expect(await outlookRows(integrationId)).toHaveLength(1);
    expect(await runExport(integrationId)).toMatchObject({ deleted: 1, failed: 0 });
    expect((await mailboxEvents("quentin")).map(agendaIdOf)).not.toContain(regretted.id);
    expect(await runImport(integrationId)).toMatchObject({ created: 0, deleted: 0 });
    expect(await outlookRows(integrationId)).toEqual([]);
  });

  it("writes Outlook events edited or deleted in the platform back to them, and reads them back as echoes", async () => {
    const { user, integrationId } = await connect("rosa");
    const [edited, removed] = await importedOutlookEvents("rosa", integrationId, [
      { subject: "Réunion", body: { contentType: "text", content: "Ordre du jour" }, ...graphTimes(30) },
      { subject: "Point", ...graphTimes(31) },
    ]);
    if (!edited || !removed) throw new Error("two Outlook rows expected");
    await editInPlatform(user, edited.id, { title: "Réunion d'équipe", location: "Salle B" });
    await deleteEvent(database().db, user.id, removed.id);

    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 1, failed: 0 });
    expect(writes(await requestLog("rosa"))).toEqual(expect.arrayContaining(["PATCH 200", "DELETE 204"]));
    expect(await mailboxEvents("rosa")).toEqual([
      expect.objectContaining({
        immutableId: edited.graphEventId,
        subject: "Réunion d'équipe",
        location: expect.objectContaining({ displayName: "Salle B" }),
      }),
    ]);
    expect(await rowOf(edited.id)).toMatchObject({ version: 2, outlookVersion: 2 });

    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    expect(await rowOf(edited.id)).toMatchObject({
      version: 2,
      outlookVersion: 2,
      title: "Réunion d'équipe",
      body: "Ordre du jour",
    });
    expect(await rowOf(removed.id)).toMatchObject({ deletedAt: expect.any(Date), version: 2 });
    expect(await conflictsOf(user)).toEqual([]);
  });

  it("answers a 412 by reading the copy again and letting the later edit win, the other logged", async () => {
    const { user, integrationId } = await connect("sam");
    const [first, second] = await importedOutlookEvents("sam", integrationId, [
      { subject: "Atelier", ...graphTimes(30) },
      { subject: "Revue", ...graphTimes(32) },
    ]);
    if (!first || !second) throw new Error("two Outlook rows expected");

    // Platform first, then Outlook, both after the last read: Outlook's edit is the later one.
    await editInPlatform(user, first.id, { title: "Atelier (plateforme)" });
    await admin("PATCH", `/mailboxes/${mailboxOf("sam")}/events/${first.graphEventId}`, {
      subject: "Atelier (Outlook)",
    });
    await admin("DELETE", "/requests");
    expect(await runExport(integrationId)).toMatchObject({ updated: 0, failed: 0 });
    expect(calls(await requestLog("sam"))).toEqual(["PATCH 412", "GET 200"]);
    expect(await rowOf(first.id)).toMatchObject({ title: "Atelier (Outlook)", version: 3, outlookVersion: 3 });

    // Outlook first, then the platform: the platform's edit is written, over the changeKey just read.
    await admin("PATCH", `/mailboxes/${mailboxOf("sam")}/events/${second.graphEventId}`, {
      subject: "Revue (Outlook)",
    });
    await editInPlatform(user, second.id, { title: "Revue (plateforme)" });
    await admin("DELETE", "/requests");
    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect(calls(await requestLog("sam"))).toEqual(["PATCH 412", "GET 200", "PATCH 200"]);
    expect((await mailboxEvents("sam")).map(({ subject }) => subject).sort()).toEqual([
      "Atelier (Outlook)",
      "Revue (plateforme)",
    ]);
    expect(await rowOf(second.id)).toMatchObject({ title: "Revue (plateforme)", version: 2, outlookVersion: 2 });

    const conflicts = await conflictsOf(user);
    expect(
      conflicts.map(({ eventId, kind, winner, platformVersion, outlookVersion }) => ({
        eventId,
        kind,
        winner,
        platform: platformVersion?.title,
        outlook: outlookVersion?.title,
      })),
    ).toEqual([
      {
        eventId: first.id,
        kind: "edited_on_both_sides",
        winner: "outlook",
        platform: "Atelier (plateforme)",
        outlook: "Atelier (Outlook)",
      },
      {
        eventId: second.id,
        kind: "edited_on_both_sides",
        winner: "platform",
        platform: "Revue (plateforme)",
        outlook: "Revue (Outlook)",
      },
    ]);
    expect(
      conflicts.every(
        ({ platformVersion, outlookVersion }) => platformVersion?.modifiedAt && outlookVersion?.modifiedAt,
      ),
    ).toBe(true);

    // Settled: the next import reads the export's own write back, and nothing moves.
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    expect(await runExport(integrationId)).toMatchObject({ updated: 0 });
    expect(await conflictsOf(user)).toHaveLength(2);
  });

  it("settles edits made on both sides between two imports by modification time, in either order", async () => {
    const { user, integrationId } = await connect("tom");
    const [first, second] = await importedOutlookEvents("tom", integrationId, [
      { subject: "Cours", ...graphTimes(30) },
      { subject: "Examen", ...graphTimes(32) },
    ]);
    if (!first || !second) throw new Error("two Outlook rows expected");
    await editInPlatform(user, first.id, { title: "Cours (plateforme)" });
    await admin("PATCH", `/mailboxes/${mailboxOf("tom")}/events/${first.graphEventId}`, { subject: "Cours (Outlook)" });
    await admin("PATCH", `/mailboxes/${mailboxOf("tom")}/events/${second.graphEventId}`, {
      subject: "Examen (Outlook)",
    });
    await editInPlatform(user, second.id, { title: "Examen (plateforme)", location: "Amphi" });

    expect(await runImport(integrationId)).toMatchObject({ updated: 1, toExport: 1 });
    expect(await rowOf(first.id)).toMatchObject({ title: "Cours (Outlook)", version: 3, outlookVersion: 3 });
    expect(await rowOf(second.id)).toMatchObject({
      title: "Examen (plateforme)",
      location: "Amphi",
      version: 2,
      outlookVersion: 1,
    });
    await admin("DELETE", "/requests");
    expect(await runExport(integrationId)).toMatchObject({ updated: 1 });
    // The import read Outlook's changeKey: the write goes through at once.
    expect(calls(await requestLog("tom"))).toEqual(["PATCH 200"]);
    expect((await mailboxEvents("tom")).map(({ subject }) => subject).sort()).toEqual([
      "Cours (Outlook)",
      "Examen (plateforme)",
    ]);
    expect((await conflictsOf(user)).map(({ eventId, kind, winner }) => ({ eventId, kind, winner }))).toEqual([
      { eventId: first.id, kind: "edited_on_both_sides", winner: "outlook" },
      { eventId: second.id, kind: "edited_on_both_sides", winner: "platform" },
    ]);
  });

  it("keeps an edit made here over a deletion in Outlook, and settles a deletion here against an edit there by time", async () => {
    const { user, integrationId } = await connect("uma");
    const [kept, revived] = await importedOutlookEvents("uma", integrationId, [
      { subject: "Visite", ...graphTimes(30) },
      { subject: "Appel", ...graphTimes(32) },
    ]);
    if (!kept || !revived) throw new Error("two Outlook rows expected");

    // Edited here, deleted there: Outlook tells no time for a deletion, so the edit wins and the event is made again.
    await editInPlatform(user, kept.id, { title: "Visite (plateforme)" });
    await admin("DELETE", `/mailboxes/${mailboxOf("uma")}/events/${kept.graphEventId}`);
    expect(await runImport(integrationId)).toMatchObject({ deleted: 0, toExport: 1 });
    expect(await rowOf(kept.id)).toMatchObject({
      deletedAt: null,
      graphEventId: null,
      graphCalendarId: kept.graphCalendarId,
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 1 });
    const remade = (await mailboxEvents("uma")).find(({ subject }) => subject === "Visite (plateforme)");
    expect(remade).toMatchObject({ calendarId: kept.graphCalendarId });
    expect(await rowOf(kept.id)).toMatchObject({ graphEventId: remade?.immutableId, outlookVersion: 2 });

    // Deleted here, then edited there: the later edit wins over the deletion, through a 412 on the DELETE.
    await deleteEvent(database().db, user.id, revived.id);
    await admin("PATCH", `/mailboxes/${mailboxOf("uma")}/events/${revived.graphEventId}`, {
      subject: "Appel (Outlook)",
    });
    await admin("DELETE", "/requests");
    expect(await runExport(integrationId)).toMatchObject({ deleted: 0 });
    expect(calls(await requestLog("uma"))).toEqual(["DELETE 412", "GET 200"]);
    expect(await rowOf(revived.id)).toMatchObject({ deletedAt: null, title: "Appel (Outlook)" });

    expect(
      (await conflictsOf(user)).map(({ eventId, kind, winner, platformVersion, outlookVersion }) => ({
        eventId,
        kind,
        winner,
        platformDeleted: platformVersion?.deleted ?? false,
        outlookDeleted: outlookVersion?.deleted ?? false,
      })),
    ).toEqual([
      {
        eventId: kept.id,
        kind: "removed_in_outlook_edited_here",
        winner: "platform",
        platformDeleted: false,
        outlookDeleted: true,
      },
      {
        eventId: revived.id,
        kind: "removed_in_outlook_edited_here",
        winner: "outlook",
        platformDeleted: true,
        outlookDeleted: false,
      },
    ]);
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
  });

  it("writes an HTML body as HTML, on create and on every later edit, and a text body as text", async () => {
    const { user, integrationId } = await connect("val");
    const formatted = await createPlatformEvent(user, {
      title: "Comité",
      body: '<p>Ordre du jour : <b>budget</b></p><ul><li><a href="https://example.test/doc">le document</a></li></ul>',
      startsAt: hoursFromNow(30).toISOString(),
      endsAt: hoursFromNow(31).toISOString(),
    });
    const plain = await createPlatformEvent(user, {
      title: "Note",
      body: "x < y et <nom> > 3",
      startsAt: hoursFromNow(32).toISOString(),
      endsAt: hoursFromNow(33).toISOString(),
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 2, failed: 0 });
    // The owner's view renders every body as HTML: markup sent as HTML shows as is, text sent as text is escaped.
    const copyOf = async (id: string) => (await mailboxEvents("val")).find((event) => agendaIdOf(event) === id);
    expect((await copyOf(formatted.id))?.body).toEqual({ contentType: "html", content: formatted.body });
    expect((await copyOf(plain.id))?.body.content).toContain("x &lt; y et &lt;nom&gt; &gt; 3");

    await editInPlatform(user, formatted.id, { title: "Comité (reporté)" });
    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect(await copyOf(formatted.id)).toMatchObject({
      subject: "Comité (reporté)",
      body: { contentType: "html", content: formatted.body },
    });
  });

  it("leaves an Outlook event's HTML body alone when other fields are edited here, and replaces it when the body is", async () => {
    const { user, integrationId } = await connect("wes");
    const html =
      '<html><body><p>Ordre du jour : <b>budget</b></p><div class="teams">Rejoindre la réunion <a href="https://teams.example.test/join/42">ici</a></div></body></html>';
    const [meeting] = await importedOutlookEvents("wes", integrationId, [
      { subject: "Revue", body: { contentType: "html", content: html }, ...graphTimes(30) },
    ]);
    if (!meeting) throw new Error("an Outlook row expected");
    expect(meeting.body).toContain("Rejoindre la réunion");
    expect(meeting.body).not.toContain("<b>");
    const copy = async () =>
      (await mailboxEvents("wes")).find(({ immutableId }) => immutableId === meeting.graphEventId);

    await editInPlatform(user, meeting.id, { title: "Revue trimestrielle" });
    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect(await copy()).toMatchObject({
      subject: "Revue trimestrielle",
      body: { contentType: "html", content: html },
    });
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, toExport: 0 });
    expect(await rowOf(meeting.id)).toMatchObject({
      title: "Revue trimestrielle",
      body: meeting.body,
      version: 2,
      outlookVersion: 2,
    });

    await editInPlatform(user, meeting.id, { body: "Ordre du jour : budget et recrutement" });
    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect((await copy())?.body.content).toContain("Ordre du jour : budget et recrutement");
    expect((await copy())?.body.content).not.toContain("teams.example.test");
    expect(await rowOf(meeting.id)).toMatchObject({
      outlookBody: "Ordre du jour : budget et recrutement",
      version: 3,
      outlookVersion: 3,
    });
    expect(await conflictsOf(user)).toEqual([]);
  });

  it("writes the whole platform version over Outlook's when it wins a conflict, the body Outlook changed included", async () => {
    const { user, integrationId } = await connect("yan");
    const html = "<p>Salle <b>3</b></p>";
    const [kept, overwritten] = await importedOutlookEvents("yan", integrationId, [
      { subject: "Atelier", body: { contentType: "html", content: html }, ...graphTimes(30) },
      { subject: "Revue", body: { contentType: "html", content: html }, ...graphTimes(32) },
    ]);
    if (!kept || !overwritten) throw new Error("two Outlook rows expected");
    // Outlook first (only the reminder for one, the body for the other), then the platform: the platform wins both.
    await admin("PATCH", `/mailboxes/${mailboxOf("yan")}/events/${kept.graphEventId}`, {
      reminderMinutesBeforeStart: 30,
    });
    await admin("PATCH", `/mailboxes/${mailboxOf("yan")}/events/${overwritten.graphEventId}`, {
      body: { contentType: "html", content: "<p>Salle 4</p>" },
    });
    await editInPlatform(user, kept.id, { title: "Atelier (plateforme)" });
    await editInPlatform(user, overwritten.id, { title: "Revue (plateforme)" });

    expect(await runExport(integrationId)).toMatchObject({ updated: 2, failed: 0 });
    const copies = await mailboxEvents("yan");
    expect(copies.find(({ immutableId }) => immutableId === kept.graphEventId)).toMatchObject({
      subject: "Atelier (plateforme)",
      body: { contentType: "html", content: html },
    });
    const replaced = copies.find(({ immutableId }) => immutableId === overwritten.graphEventId);
    expect(replaced?.subject).toBe("Revue (plateforme)");
    expect(replaced?.body.content).toContain("Salle 3");
    expect((await conflictsOf(user)).map(({ eventId, winner }) => ({ eventId, winner }))).toEqual(
      expect.arrayContaining([{ eventId: overwritten.id, winner: "platform" }]),
    );
  });

  it("takes an HTML body Outlook gives back as text for the same body when both sides made the same edit", async () => {
    const { user, integrationId } = await connect("xia");
    const body = "<p>Salle <b>3</b> &amp; visio</p><ul><li>Budget</li><li>Planning</li></ul>";
    const event = await createPlatformEvent(user, {
      title: "Bureau",
      body,
      startsAt: hoursFromNow(30).toISOString(),
      endsAt: hoursFromNow(31).toISOString(),
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 1, failed: 0 });
    const { graphEventId } = await rowOf(event.id);

    await editInPlatform(user, event.id, { title: "Bureau (reporté)" });
    await admin("PATCH", `/mailboxes/${mailboxOf("xia")}/events/${graphEventId}`, { subject: "Bureau (reporté)" });
    expect(await runImport(integrationId)).toMatchObject({ updated: 0, toExport: 0 });
    expect(await rowOf(event.id)).toMatchObject({
      title: "Bureau (reporté)",
      body,
      outlookBody: body,
      version: 2,
      outlookVersion: 2,
    });
    expect(await conflictsOf(user)).toEqual([]);
    await admin("DELETE", "/requests");
    expect(await runExport(integrationId)).toMatchObject({ updated: 0 });
    expect(await requestLog("xia")).toEqual([]);
  });
});
