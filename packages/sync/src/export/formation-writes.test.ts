import {
  customPropertiesExtendedPropertyId,
  FORMATION_ID_CUSTOM_PROPERTY,
} from "@agenda/addin-manifest/custom-properties";
import { AGENDA_ADDIN_ID } from "@agenda/addin-manifest/manifest";
import { agendaEvents, calendarIntegrations, type SyncRunIssue } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { sandboxAdmin } from "@agenda/testing/sandbox";
import { and, eq, isNotNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listConflicts } from "../reconcile/conflict-log";
import { disconnectOutlook } from "../connection/outlook-connection";
import { FORMATION_CATEGORY } from "./outlook-event-tags";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { formationIdOf, mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { exportFormation, exportFormations } from "./formation-writes";
import type { ExportCounts } from "./outlook-writes";
import { isBatchEnvelope, peakConcurrentRequests, type LoggedRequest } from "../testing/sandbox-request-log";

const MAILBOXES = ["ana", "ben", "carla", "dan", "eve", "fay", "gus", "hana", "ivy", "jo"];
const { database, sandbox, services, mailboxEvents } = useTestMailboxes(MAILBOXES);
const platform: Viewer = { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] };
const PLATFORM_URL = "https://platform.example.test/learning";
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 100 };

async function requestLog(name: string): Promise<LoggedRequest[]> {
  return ((await sandboxAdmin(sandbox(), "GET", `/requests?mailbox=${mailboxOf(name)}`)) as { value: LoggedRequest[] })
    .value;
}

/** Formation ids of the mailbox's events, sorted: a duplicate shows up as a repeated id. */
async function exportedFormationIds(name: string): Promise<string[]> {
  return (await mailboxEvents(name)).map((event) => formationIdOf(event) ?? "untagged").sort();
}

async function withFaults<T>(faults: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  await sandboxAdmin(sandbox(), "PATCH", "/faults", faults);
  try {
    return await work();
  } finally {
    await sandboxAdmin(sandbox(), "PUT", "/faults", {});
  }
}

async function connect(name: string): Promise<{ user: User; integrationId: string }> {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  return { user, integrationId: integration.id };
}

const personOf = (user: User) => ({ platformUserId: user.platformUserId, email: user.email, name: user.name });

type FormationChanges = Partial<
  Record<
    "title" | "description" | "location" | "onlineUrl" | "startsAt" | "endsAt" | "timeZone" | "status",
    string | null
  >
>;

/** A formation the given users learn in, kept by external id so later calls change it. */
async function scheduleFormation(
  externalId: string,
  learners: User[],
  changes: FormationChanges = {},
): Promise<Formation> {
  return upsertFormation(
    database().db,
    platform,
    upsertFormationInput.parse({
      externalId,
      title: `Formation ${externalId}`,
      description: "Tableaux croisés",
      location: "Salle 3",
      startsAt: "2026-06-10T09:00:00+02:00",
      endsAt: "2026-06-10T12:00:00+02:00",
      timeZone: "Europe/Paris",
      learners: learners.map(personOf),
      ...changes,
    }),
  );
}

async function scheduleMany(prefix: string, count: number, learners: User[]): Promise<Formation[]> {
  const scheduled: Formation[] = [];
  for (let index = 0; index < count; index++) {
    const day = String(1 + (index % 28)).padStart(2, "0");
    scheduled.push(
      await scheduleFormation(`${prefix}-${index}`, learners, {
        startsAt: `2026-09-${day}T09:00:00+02:00`,
        endsAt: `2026-09-${day}T11:00:00+02:00`,
      }),
    );
  }
  return scheduled;
}

async function runExport(integrationId: string): Promise<ExportCounts & { issues: SyncRunIssue[]; throttled: number }> {
  const { result, stats } = await runSync(services(), integrationId, "export", "manual", (run) =>
    exportFormations(run, { platformUrl: PLATFORM_URL, retry: FAST_RETRY }),
  );
  return { ...result, issues: stats.issues, throttled: stats.throttled };
}

async function exportOne(integrationId: string, formationId: string) {
  return (
    await runSync(services(), integrationId, "export", "api", (run) =>
      exportFormation(run, formationId, { platformUrl: PLATFORM_URL, addinId: AGENDA_ADDIN_ID, retry: FAST_RETRY }),
    )
  ).result;
}

async function formationRows(user: User) {
  return database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.source, "formation")));
}

const isLookup = ({ method, url }: LoggedRequest) =>
  method === "GET" && decodeURIComponent(url).includes("singleValueExtendedProperties/Any");

const utcInstant = ({ dateTime }: { dateTime?: string | null }) =>
  new Date(`${(dateTime ?? "").slice(0, 23)}Z`).toISOString();

describe("exporting formations to Outlook", () => {
  it("creates tagged copies in the formation's time zone, follows updates, marks cancellations and deletes on unenrolment", async () => {
    const { user, integrationId } = await connect("ana");
    const paris = await scheduleFormation("paris", [user], {
      title: "Excel & co",
      description: 'Bring <your> laptop\n"Pivot" tables',
      // The day Paris moves to summer time: 09:30 is already UTC+2.
      startsAt: "2026-03-29T09:30:00+02:00",
      endsAt: "2026-03-29T12:00:00+02:00",
    });
    const newYork = await scheduleFormation("new-york", [user], {
      location: null,
      onlineUrl: "https://meet.example.test/room?id=1&lang=en",
      // The day New York goes back to standard time: 09:00 is UTC-5.
      startsAt: "2026-11-01T09:00:00-05:00",
      endsAt: "2026-11-01T10:30:00-05:00",
      timeZone: "America/New_York",
    });

    expect(await runExport(integrationId)).toMatchObject({ created: 2, updated: 0, deleted: 0, failed: 0, issues: [] });
    const events = await mailboxEvents("ana");
    expect(events).toHaveLength(2);
    const byFormation = new Map(events.map((event) => [formationIdOf(event), event]));
    const inParis = byFormation.get(paris.id);
    const online = byFormation.get(newYork.id);
    expect(inParis).toMatchObject({
      subject: "Excel & co",
      categories: [FORMATION_CATEGORY],
      showAs: "busy",
      isReminderOn: true,
      reminderMinutesBeforeStart: 60,
      isOnlineMeeting: false,
      location: { displayName: "Salle 3" },
      originalStartTimeZone: "Romance Standard Time",
    });
    expect(inParis && utcInstant(inParis.start)).toBe("2026-03-29T07:30:00.000Z");
    expect(inParis && utcInstant(inParis.end)).toBe("2026-03-29T10:00:00.000Z");
    expect(inParis?.body.content).toContain("Bring &lt;your&gt; laptop<br>&quot;Pivot&quot; tables");
    expect(inParis?.body.content).toContain(
      `href="https://platform.example.test/learning/agenda?formation=${paris.id}"`,
    );
    expect(online).toMatchObject({
      reminderMinutesBeforeStart: 15,
      location: { displayName: "https://meet.example.test/room?id=1&lang=en" },
      originalStartTimeZone: "Eastern Standard Time",
    });
    expect(online && utcInstant(online.start)).toBe("2026-11-01T14:00:00.000Z");
    expect(online?.body.content).toContain('href="https://meet.example.test/room?id=1&amp;lang=en"');

    const rows = await formationRows(user);
    for (const row of rows) {
      const copy = events.find(({ immutableId }) => immutableId === row.graphEventId);
      expect(copy, "rows hold the immutable id of their copy").toBeDefined();
      expect(row).toMatchObject({
        integrationId,
        syncStatus: "synced",
        syncError: null,
        exportedFormationVersion: 1,
        graphCalendarId: copy?.calendarId,
        graphTransactionId: copy?.transactionId,
      });
    }

    // A later change rewrites what the product owns, and leaves what the person changed on their copy.
    await sandboxAdmin(sandbox(), "PATCH", `/mailboxes/${mailboxOf("ana")}/events/${inParis?.id}`, {
      reminderMinutesBeforeStart: 5,
      categories: [FORMATION_CATEGORY, "Mine"],
    });
    await scheduleFormation("paris", [user], {
      title: "Excel avancé",
      startsAt: "2026-03-30T14:00:00+02:00",
      endsAt: "2026-03-30T17:00:00+02:00",
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 0, failed: 0 });
    const [moved] = (await mailboxEvents("ana")).filter((event) => formationIdOf(event) === paris.id);
    expect(moved).toMatchObject({
      id: inParis?.id,
      subject: "Excel avancé",
      reminderMinutesBeforeStart: 5,
      categories: [FORMATION_CATEGORY, "Mine"],
    });
    expect(moved && utcInstant(moved.start)).toBe("2026-03-30T12:00:00.000Z");

    await scheduleFormation("new-york", [user], {
      status: "cancelled",
      location: null,
      startsAt: "2026-11-01T09:00:00-05:00",
      endsAt: "2026-11-01T10:30:00-05:00",
      timeZone: "America/New_York",
    });
    await scheduleFormation("paris", [], {
      title: "Excel avancé",
      startsAt: "2026-03-30T14:00:00+02:00",
      endsAt: "2026-03-30T17:00:00+02:00",
    });
    // The cancelled formation's copy stays, marked; the one she left goes.
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 1, failed: 0 });
    expect(await mailboxEvents("ana")).toEqual([
      expect.objectContaining({ subject: "Annulé : Formation new-york", showAs: "free", isReminderOn: false }),
    ]);
    const after = await formationRows(user);
    expect(after.find(({ formationId }) => formationId === paris.id)).toMatchObject({
      graphEventId: null,
      graphTransactionId: null,
      integrationId: null,
    });
    expect(after.find(({ formationId }) => formationId === newYork.id)).toMatchObject({ integrationId });

    // Nothing left to do costs nothing.
    const batchesBefore = (await requestLog("ana")).filter(isBatchEnvelope).length;
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect((await requestLog("ana")).filter(isBatchEnvelope)).toHaveLength(batchesBefore);
  });

  it("exports one formation on request, idempotently, and refuses formations the user has no part in or that are cancelled", async () => {
    const { user, integrationId } = await connect("ben");
    const other = await connect("carla");
    const formation = await scheduleFormation("on-request", [user]);

    const first = await exportOne(integrationId, formation.id);
    const second = await exportOne(integrationId, formation.id);
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      subject: "Formation on-request",
      webLink: expect.stringContaining("http"),
      start: { timeZone: "UTC" },
    });
    expect(utcInstant(first.start)).toBe("2026-06-10T07:00:00.000Z");
    expect(await exportedFormationIds("ben")).toEqual([formation.id]);
    // What the add-in reads back as its custom properties (loadCustomPropertiesAsync) on the appointment in Outlook.
    const [copy] = await mailboxEvents("ben");
    const addinProperties = copy?.singleValueExtendedProperties?.find(
      ({ id }) => id.toLowerCase() === customPropertiesExtendedPropertyId(AGENDA_ADDIN_ID).toLowerCase(),
    );
    expect(JSON.parse(addinProperties?.value ?? "{}")).toEqual({ [FORMATION_ID_CUSTOM_PROPERTY]: formation.id });

    // Deleted in Outlook since: asked for again, it is put back.
    await sandboxAdmin(sandbox(), "DELETE", `/mailboxes/${mailboxOf("ben")}/events/${first.id}`);
    const again = await exportOne(integrationId, formation.id);
    expect(again.id).not.toBe(first.id);
    expect(await exportedFormationIds("ben")).toEqual([formation.id]);

    const refusal = (promise: Promise<unknown>, reason: string) =>
      expect(promise).rejects.toSatisfy(
        (error) =>
          error instanceof DomainError && error.code === "FORMATION_NOT_EXPORTABLE" && error.params.reason === reason,
      );
    await refusal(exportOne(other.integrationId, formation.id), "notParticipant");
    await scheduleFormation("on-request", [user], { status: "cancelled" });
    await refusal(exportOne(integrationId, formation.id), "cancelled");
    expect(await mailboxEvents("carla")).toEqual([]);
  });

  it("retries a create whose response was lost with the same transactionId, so Outlook holds each formation once", async () => {
    const { user, integrationId } = await connect("dan");
    const scheduled = await scheduleMany("lost", 8, [user]);

    // Lost responses come back as 504 inside a batch; 500 and 502 (nothing created) are retried the same way.
    const counts = await withFaults({ seed: 11, lostCreateRate: 0.5, errorRate: 0.2, errorStatuses: [500, 502] }, () =>
      runExport(integrationId),
    );
    expect(counts).toMatchObject({ created: 8, failed: 0 });
    const log = await requestLog("dan");
    const creates = log.filter(({ method, endpoint }) => method === "POST" && endpoint.endsWith("/events"));
    expect(creates.filter(({ injected }) => injected === "fault:lost-create-response").length).toBeGreaterThan(0);
    expect(creates.filter(({ status }) => status === 201)).toHaveLength(8);

    expect(await exportedFormationIds("dan")).toEqual(scheduled.map(({ id }) => id).sort());
    const events = await mailboxEvents("dan");
    for (const row of await formationRows(user)) {
      expect(events.find(({ immutableId }) => immutableId === row.graphEventId)?.transactionId).toBe(
        row.graphTransactionId,
      );
    }
  });

  it("keeps the mailbox equal to the exported set under 30% injected 429 and 503", async () => {
    const { user, integrationId } = await connect("eve");
    const scheduled = await scheduleMany("flaky", 24, [user]);

    const faults = { seed: 5, errorRate: 0.3, errorStatuses: [429, 503], retryAfterSeconds: 0.05 };
    const first = await withFaults(faults, () => runExport(integrationId));
    expect(first).toMatchObject({ created: 24, failed: 0 });
    expect(first.throttled).toBeGreaterThan(0);

    const cancelled = scheduled.slice(0, 4);
    for (const [index, formation] of scheduled.slice(4, 12).entries()) {
      await scheduleFormation(`flaky-${index + 4}`, [user], {
        title: `Changed ${formation.id}`,
        startsAt: formation.startsAt,
        endsAt: formation.endsAt,
      });
    }
    for (const [index, formation] of cancelled.entries()) {
      await scheduleFormation(`flaky-${index}`, [user], {
        status: "cancelled",
        startsAt: formation.startsAt,
        endsAt: formation.endsAt,
      });
    }
    const second = await withFaults({ ...faults, seed: 6 }, () => runExport(integrationId));
    // Cancelled copies stay, marked: updates like the changed ones.
    expect(second).toMatchObject({ created: 0, updated: 12, deleted: 0, failed: 0 });

    const kept = scheduled;
    expect(await exportedFormationIds("eve")).toEqual(kept.map(({ id }) => id).sort());
    const events = await mailboxEvents("eve");
    for (const formation of scheduled.slice(4, 12)) {
      expect(events.find((event) => formationIdOf(event) === formation.id)?.subject).toBe(`Changed ${formation.id}`);
    }
    for (const formation of cancelled) {
      expect(events.find((event) => formationIdOf(event) === formation.id)).toMatchObject({
        subject: `Annulé : ${formation.title}`,
        showAs: "free",
      });
    }
    const rows = await formationRows(user);
    expect(rows.filter(({ syncStatus }) => syncStatus !== "synced")).toEqual([]);
    expect(
      rows
        .filter(({ graphEventId }) => graphEventId)
        .map(({ formationId }) => formationId)
        .sort(),
    ).toEqual(kept.map(({ id }) => id).sort());
    expect((await requestLog("eve")).filter(({ injected }) => injected === "throttled:concurrency")).toEqual([]);
  });

  it("finds its copies again by the formation-id property after lost ids or a reconnection, instead of duplicating them", async () => {
    const { user, integrationId } = await connect("fay");
    const scheduled = await scheduleMany("found", 3, [user]);
    await runExport(integrationId);
    const exported = await exportedFormationIds("fay");
    expect(exported).toHaveLength(3);

    // The database lost the Outlook identifiers of one row (restored from a backup taken before its export).
    const [lost] = scheduled;
    await database()
      .db.update(agendaEvents)
      .set({ graphEventId: null, graphIcalUid: null, graphChangeKey: null, graphTransactionId: null })
      .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.formationId, lost?.id ?? "")));
    // Meanwhile an import took that copy for an event of fay's own.
    const copy = (await mailboxEvents("fay")).find((event) => formationIdOf(event) === lost?.id);
    await database().db.insert(agendaEvents).values({
      ownerId: user.id,
      source: "outlook",
      integrationId,
      graphEventId: copy?.immutableId,
      title: "echo",
      startsAt: new Date(),
      endsAt: new Date(),
      timeZone: "UTC",
    });
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(await exportedFormationIds("fay")).toEqual(exported);
    expect((await requestLog("fay")).filter(isLookup)).toHaveLength(1);
    const holders = await database()
      .db.select({ source: agendaEvents.source })
      .from(agendaEvents)
      .where(eq(agendaEvents.graphEventId, copy?.immutableId ?? ""));
    expect(holders).toEqual([{ source: "formation" }]);

    // Disconnected while keeping the copies, then connected again: the rows lost their ids, not their transactionIds.
    await disconnectOutlook(services(), user.id, { removeExportedFormations: false });
    const reconnected = await connect("fay");
    expect(reconnected.integrationId).toBe(integrationId);
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 3, failed: 0 });
    expect(await exportedFormationIds("fay")).toEqual(exported);
    expect(
      (await formationRows(user)).every(({ graphEventId, syncStatus }) => graphEventId && syncStatus === "synced"),
    ).toBe(true);
  });

  it("records a permanent refusal on its row without holding back the others, and respects a copy deleted in Outlook", async () => {
    const { user, integrationId } = await connect("gus");
    const scheduled = await scheduleMany("refused", 3, [user]);
    await runExport(integrationId);
    const rows = await formationRows(user);
    const [refused, deletedInOutlook, fine] = scheduled.map(({ id }) =>
      rows.find(({ formationId }) => formationId === id),
    );
    await sandboxAdmin(sandbox(), "DELETE", `/mailboxes/${mailboxOf("gus")}/events/${deletedInOutlook?.graphEventId}`);
    for (const [index, formation] of scheduled.entries()) {
      await scheduleFormation(`refused-${index}`, [user], {
        title: "Renamed",
        startsAt: formation.startsAt,
        endsAt: formation.endsAt,
      });
    }

    const counts = await withFaults(
      { scripted: [{ method: "PATCH", pathContains: refused?.graphEventId, status: 400, count: 50 }] },
      () => runExport(integrationId),
    );
    expect(counts).toMatchObject({ created: 0, updated: 1, failed: 1 });
    expect(counts.issues).toEqual([
      expect.objectContaining({ eventId: refused?.id, graphEventId: refused?.graphEventId, status: 400 }),
    ]);
    const after = await formationRows(user);
    expect(after.find(({ id }) => id === refused?.id)).toMatchObject({
      syncStatus: "error",
      syncError: expect.stringContaining("400"),
      exportedFormationVersion: 1,
    });
    expect(after.find(({ id }) => id === fine?.id)).toMatchObject({
      syncStatus: "synced",
      exportedFormationVersion: 2,
    });
    // The person deleted that copy: it stays deleted (see the conflict rules), its ids forgotten.
    expect(after.find(({ id }) => id === deletedInOutlook?.id)).toMatchObject({
      graphEventId: null,
      integrationId: null,
      removedFromOutlookAt: expect.any(Date),
    });
    expect(await exportedFormationIds("gus")).toEqual([refused?.formationId, fine?.formationId].sort());
    expect(await listConflicts(database().db, user.id)).toEqual([
      expect.objectContaining({
        kind: "formation_removed_in_outlook",
        winner: "outlook",
        eventId: deletedInOutlook?.id,
      }),
    ]);

    // Once Outlook accepts it, the next run catches up, and still does not put the deleted copy back.
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect((await mailboxEvents("gus")).map(({ subject }) => subject)).toEqual(["Renamed", "Renamed"]);
  });

  it("records a refused create and creates it on the next run, with no lookup needed", async () => {
    const { user, integrationId } = await connect("hana");
    const scheduled = await scheduleMany("refused-create", 3, [user]);
    const counts = await withFaults(
      { scripted: [{ method: "POST", pathContains: "/events", status: 403, count: 1 }] },
      () => runExport(integrationId),
    );
    expect(counts).toMatchObject({ created: 2, failed: 1 });
    const failed = (await formationRows(user)).find(({ syncStatus }) => syncStatus === "error");
    expect(failed).toMatchObject({
      graphEventId: null,
      graphTransactionId: null,
      syncError: expect.stringContaining("403"),
    });

    expect(await runExport(integrationId)).toMatchObject({ created: 1, failed: 0 });
    expect(await exportedFormationIds("hana")).toEqual(scheduled.map(({ id }) => id).sort());
    expect((await requestLog("hana")).filter(isLookup)).toEqual([]);
  });

  it("exports into the chosen calendar, fails a run whose calendar is gone, and with export turned off only removes copies", async () => {
    const { user, integrationId } = await connect("jo");
    const { id: calendarId } = (await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailboxOf("jo")}/calendars`, {
      name: "Formations",
    })) as { id: string };
    const setIntegration = (settings: Partial<typeof calendarIntegrations.$inferInsert>) =>
      database().db.update(calendarIntegrations).set(settings).where(eq(calendarIntegrations.id, integrationId));
    await setIntegration({ exportCalendarId: calendarId });
    const [kept, left] = await scheduleMany("chosen", 2, [user]);
    await runExport(integrationId);
    expect((await mailboxEvents("jo")).map((event) => event.calendarId)).toEqual([calendarId, calendarId]);

    await setIntegration({ exportEnabled: false });
    // She leaves one formation: its copy goes even with export off; the new one is not written.
    await scheduleFormation("chosen-1", [], { startsAt: left?.startsAt, endsAt: left?.endsAt });
    await scheduleFormation("chosen-late", [user]);
    expect(await runExport(integrationId)).toMatchObject({ created: 0, deleted: 1 });
    expect(await exportedFormationIds("jo")).toEqual([kept?.id]);

    await setIntegration({ exportEnabled: true, exportCalendarId: "AQMkADgone" });
    await expect(runExport(integrationId)).rejects.toSatisfy(
      (error) => error instanceof DomainError && error.code === "OUTLOOK_CALENDAR_UNKNOWN",
    );
    expect(await exportedFormationIds("jo")).toEqual([kept?.id]);
  });

  it("sends at most 20 requests per batch, one batch at a time, and never more than 4 requests in flight", async () => {
    const { user, integrationId } = await connect("ivy");
    await scheduleMany("concurrency", 45, [user]);

    const counts = await withFaults({ latencyMinMs: 2, latencyMaxMs: 12 }, () => runExport(integrationId));
    expect(counts).toMatchObject({ created: 45, failed: 0 });
    const log = await requestLog("ivy");
    expect(log.filter(isBatchEnvelope)).toHaveLength(3);
    // Ours: one request at a time (a batch, which Outlook runs 4 sub-requests at a time).
    expect(services().limiters.for(integrationId).peakInFlight).toBe(1);
    // Outlook's side: the sandbox refuses (429 ApplicationThrottled) any request beyond 4 in flight for the mailbox.
    expect(log.filter(({ status }) => status === 429)).toEqual([]);
    // And the batches did run requests side by side. (The log's timestamps only bound the peak from above: a thread
    // preempted between its two clocks stretches an interval, so they cannot prove the upper limit.)
    expect(peakConcurrentRequests(log.filter((entry) => !isBatchEnvelope(entry)))).toBeGreaterThan(1);
    const integration = await database()
      .db.select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integrationId));
    expect(integration[0]?.lastSyncResult).toMatchObject({ ok: true, created: 45 });
    expect(
      await database()
        .db.select({ id: agendaEvents.id })
        .from(agendaEvents)
        .where(and(eq(agendaEvents.ownerId, user.id), isNotNull(agendaEvents.graphEventId))),
    ).toHaveLength(45);
  });
});
