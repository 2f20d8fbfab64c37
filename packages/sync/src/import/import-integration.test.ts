import { agendaEvents, calendarIntegrations, syncCursors, syncRuns } from "@agenda/db/schema";
import { startOfDateInZone } from "@agenda/domain/time";
import { listenSilently } from "@agenda/graph/testing/listeners";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import type { Event } from "@microsoft/microsoft-graph-types";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { OutlookServices } from "../connection/outlook-services";
import { runSync } from "../runs/sync-run";
import { connectTestUser, testOutlookServices } from "../testing/connect";
import { ianaTimeZoneOf } from "../reconcile/graph-event-mapping";
import { importIntegration, type ImportOptions } from "./import-integration";

const database = useTestDatabase();
const MAILBOXES = [
  "initial",
  "changes",
  "calendars",
  "series",
  "allday",
  "gone",
  "killed",
  "faults",
  "replays",
  "outside",
  "echo",
  "roll",
  "links",
  "origins",
  "aliased",
];
const sandbox = useSandbox(MAILBOXES.map((name) => ({ userPrincipalName: `${name}@contoso.test`, displayName: name })));

let services: OutlookServices;
beforeAll(() => {
  services = testOutlookServices(database().db, sandbox());
});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Connected {
  integrationId: string;
  mailbox: string;
}

async function connect(name: string): Promise<Connected> {
  const mailbox = `${name}@contoso.test`;
  const { integration } = await connectTestUser(services, { name, mailbox });
  return { integrationId: integration.id, mailbox };
}

function importNow(integrationId: string, options: ImportOptions = {}) {
  return runSync(services, integrationId, "import", "manual", (run) => importIntegration(run, options));
}

const admin = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown) =>
  sandboxAdmin(sandbox(), method, path, body);

/** A Graph event body at `hoursFromNow` (whole minutes), in UTC. */
function timedEvent(
  subject: string,
  hoursFromNow: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const start = Math.floor((Date.now() + hoursFromNow * HOUR_MS) / 60_000) * 60_000;
  const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().slice(0, 19), timeZone: "UTC" });
  return {
    subject,
    body: { contentType: "text", content: `About ${subject}` },
    start: at(start),
    end: at(start + 45 * 60_000),
    ...extra,
  };
}

/** Seeds events through the sandbox's admin API; answers their immutable ids, in order. */
async function seed(mailbox: string, events: Array<Record<string, unknown>>, calendarId?: string): Promise<string[]> {
  const { value } = (await admin("POST", `/mailboxes/${mailbox}/events`, { calendarId, events })) as {
    value: Array<{ immutableId: string }>;
  };
  return value.map(({ immutableId }) => immutableId);
}

/** `count` events spread over the window, a few in the past, with a location or an online meeting now and then. */
function manyEvents(count: number, prefix = "Event"): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, n) =>
    timedEvent(`${prefix} ${n}`, -20 * 24 + n * 13, {
      ...(n % 3 === 0 ? { location: { displayName: `Room ${n}` } } : {}),
      ...(n % 5 === 0 ? { isOnlineMeeting: true } : {}),
      showAs: (["busy", "free", "tentative", "oof"] as const)[n % 4],
    }),
  );
}

/** An agenda row reduced to what Outlook says about the event, for field-by-field comparison. */
interface ComparableEvent {
  graphEventId: string;
  graphCalendarId: string;
  title: string;
  body: string;
  location: string | null;
  onlineUrl: string | null;
  isAllDay: boolean;
  start: string;
  end: string;
  timeZone: string;
  showAs: string;
  graphIcalUid: string | null;
  graphChangeKey: string | null;
  graphSeriesMasterId: string | null;
  graphEventType: string | null;
  remoteModifiedAt: string | null;
}

const utc = (dateTime: string | undefined) => `${(dateTime ?? "").slice(0, 19)}.000Z`;

/** What an agenda row must hold for a mailbox event, read straight from Graph's fields. */
function fromMailbox(event: Event, calendarId: string): ComparableEvent {
  return {
    graphEventId: event.id ?? "",
    graphCalendarId: calendarId,
    title: event.subject ?? "",
    body: event.body?.content ?? "",
    location: event.location?.displayName || null,
    onlineUrl: event.onlineMeeting?.joinUrl ?? null,
    isAllDay: event.isAllDay ?? false,
    start: event.isAllDay ? (event.start?.dateTime ?? "").slice(0, 10) : utc(event.start?.dateTime),
    end: event.isAllDay ? (event.end?.dateTime ?? "").slice(0, 10) : utc(event.end?.dateTime),
    timeZone: ianaTimeZoneOf(event.originalStartTimeZone) ?? "Europe/Paris",
    showAs: event.showAs ?? "",
    graphIcalUid: event.iCalUId ?? null,
    graphChangeKey: event.changeKey ?? null,
    graphSeriesMasterId: event.seriesMasterId ?? null,
    graphEventType: event.type ?? null,
    remoteModifiedAt: event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime).toISOString() : null,
  };
}

function fromAgenda(row: typeof agendaEvents.$inferSelect): ComparableEvent {
  return {
    graphEventId: row.graphEventId ?? "",
    graphCalendarId: row.graphCalendarId ?? "",
    title: row.title,
    body: row.body,
    location: row.location,
    onlineUrl: row.onlineUrl,
    isAllDay: row.isAllDay,
    start: row.isAllDay ? (row.startDate ?? "") : row.startsAt.toISOString(),
    end: row.isAllDay ? (row.endDate ?? "") : row.endsAt.toISOString(),
    timeZone: row.timeZone,
    showAs: row.showAs,
    graphIcalUid: row.graphIcalUid,
    graphChangeKey: row.graphChangeKey,
    graphSeriesMasterId: row.graphSeriesMasterId,
    graphEventType: row.graphEventType,
    remoteModifiedAt: row.remoteModifiedAt?.toISOString() ?? null,
  };
}

const byId = (left: ComparableEvent, right: ComparableEvent) => left.graphEventId.localeCompare(right.graphEventId);

async function liveRows(integrationId: string) {
  return database()
    .db.select()
    .from(agendaEvents)
    .where(
      and(
        eq(agendaEvents.integrationId, integrationId),
        eq(agendaEvents.source, "outlook"),
        isNull(agendaEvents.deletedAt),
      ),
    );
}

/**
 * The agenda equals the mailbox: every event calendarView shows in each imported calendar's window has exactly one
 * live Outlook row holding the same fields, and there is no other live row.
 */
async function expectAgendaEqualsMailbox(integrationId: string): Promise<number> {
  const cursors = await database().db.select().from(syncCursors).where(eq(syncCursors.integrationId, integrationId));
  expect(cursors.length).toBeGreaterThan(0);
  const graph = services.graphFor(integrationId);
  const expected: ComparableEvent[] = [];
  for (const cursor of cursors) {
    const window = new URLSearchParams({
      startDateTime: cursor.windowStart.toISOString(),
      endDateTime: cursor.windowEnd.toISOString(),
      $top: "999",
    });
    let link: string | undefined = `/me/calendars/${encodeURIComponent(cursor.calendarId)}/calendarView?${window}`;
    for (let guard = 0; link && guard < 100; guard++) {
      const page = (await graph
        .api(link)
        .header("Prefer", 'outlook.timezone="UTC", outlook.body-content-type="text", IdType="ImmutableId"')
        .get()) as {
        value: Event[];
        "@odata.nextLink"?: string;
      };
      expected.push(...page.value.map((event) => fromMailbox(event, cursor.calendarId)));
      link = page["@odata.nextLink"];
    }
  }
  const actual = (await liveRows(integrationId)).map(fromAgenda);
  expect(actual.sort(byId)).toEqual(expected.sort(byId));
  return actual.length;
}

async function cursorOf(integrationId: string) {
  const [cursor] = await database().db.select().from(syncCursors).where(eq(syncCursors.integrationId, integrationId));
  if (!cursor) throw new Error("no cursor");
  return cursor;
}

async function tombstones(integrationId: string) {
  return database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.integrationId, integrationId), isNotNull(agendaEvents.deletedAt)));
}

/** The first day after `after` whose length in `zone` is not 24 hours: a DST change. */
function nextDstChange(zone: string, after: number): string {
  for (let day = Math.floor(after / DAY_MS); day < Math.floor(after / DAY_MS) + 400; day++) {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const next = new Date((day + 1) * DAY_MS).toISOString().slice(0, 10);
    if (startOfDateInZone(next, zone).getTime() - startOfDateInZone(date, zone).getTime() !== DAY_MS) return date;
  }
  throw new Error(`no DST change in ${zone}`);
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

describe("importIntegration", () => {
  it("imports a mailbox over several delta pages with one request per page plus the default calendar", async () => {
    const { integrationId, mailbox } = await connect("initial");
    await seed(mailbox, manyEvents(450));

    const first = await importNow(integrationId);
    expect(first.result).toMatchObject({
      created: 450,
      updated: 0,
      deleted: 0,
      calendars: [{ status: "complete", fullRound: true, pages: 3, restarts: 0 }],
    });
    expect(first.stats.requests).toBeLessThanOrEqual(3 + 2);
    expect(first.stats.requests).toBe(3 + 1);
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(450);
    const cursor = await cursorOf(integrationId);
    expect(cursor).toMatchObject({ nextLink: null, resyncStartedAt: null });
    expect(cursor.deltaLink).toContain("$deltatoken=");

    const again = await importNow(integrationId);
    expect(again.result).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 0,
      calendars: [{ status: "complete", fullRound: false, pages: 1 }],
    });
    expect(again.stats.requests).toBe(2);
    const [run] = await database().db.select().from(syncRuns).where(eq(syncRuns.id, first.runId));
    expect(run).toMatchObject({ status: "succeeded", created: 450, requests: 4 });
  });

  it("applies creates, edits and deletes made in Outlook on the next run, keeping tombstones", async () => {
    const { integrationId, mailbox } = await connect("changes");
    const ids = await seed(mailbox, manyEvents(8));
    await importNow(integrationId);

    await seed(mailbox, [timedEvent("New one", 30), timedEvent("New two", 60)]);
    await admin("PATCH", `/mailboxes/${mailbox}/events/${ids[1]}`, {
      subject: "Renamed",
      location: { displayName: "Elsewhere" },
    });
    await admin("PATCH", `/mailboxes/${mailbox}/events/${ids[2]}`, timedEvent("Moved in time", 100));
    await admin("DELETE", `/mailboxes/${mailbox}/events/${ids[3]}`);

    const next = await importNow(integrationId);
    expect(next.result).toMatchObject({ created: 2, updated: 2, deleted: 1 });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(9);
    expect((await tombstones(integrationId)).map(({ graphEventId }) => graphEventId)).toEqual([ids[3]]);
  });

  it("imports each selected calendar, skips one that vanished, and keeps an event moved between them as one row", async () => {
    const { integrationId, mailbox } = await connect("calendars");
    const { calendars } = (await admin("GET", `/mailboxes/${mailbox}`)) as {
      calendars: Array<{ id: string; isDefaultCalendar: boolean }>;
    };
    const { id: projects } = (await admin("POST", `/mailboxes/${mailbox}/calendars`, { name: "Projects" })) as {
      id: string;
    };
    const defaultCalendar = calendars.find(({ isDefaultCalendar }) => isDefaultCalendar)?.id ?? "";
    const vanished = `${projects.slice(0, -4)}AAAA`;
    await database()
      .db.update(calendarIntegrations)
      .set({ importCalendarIds: [defaultCalendar, vanished, projects] })
      .where(eq(calendarIntegrations.id, integrationId));
    const [moving] = await seed(mailbox, [timedEvent("Moving", 10), timedEvent("Staying", 20)]);
    await seed(mailbox, [timedEvent("Project kick-off", 30)], projects);

    const first = await importNow(integrationId);
    expect(first.result.calendars.map(({ calendarId, status }) => [calendarId, status])).toEqual([
      [defaultCalendar, "complete"],
      [vanished, "missing"],
      [projects, "complete"],
    ]);
    expect(first.stats.issues).toEqual([{ message: `Outlook calendar ${vanished} to import not found`, status: 404 }]);
    await database()
      .db.update(calendarIntegrations)
      .set({ importCalendarIds: [defaultCalendar, projects] })
      .where(eq(calendarIntegrations.id, integrationId));
    const [before] = (await liveRows(integrationId)).filter(({ graphEventId }) => graphEventId === moving);

    await admin("POST", `/mailboxes/${mailbox}/events/${moving}/move`, { calendarId: projects });
    await importNow(integrationId);
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(3);
    const [after] = (await liveRows(integrationId)).filter(({ graphEventId }) => graphEventId === moving);
    expect(after).toMatchObject({ id: before?.id, graphCalendarId: projects });
  });

  it("imports series as occurrences of their master, at the right instants across DST changes, and follows a shifted series", async () => {
    const { integrationId, mailbox } = await connect("series");
    const series = [
      { zone: "Europe/Paris", windows: "Romance Standard Time", hour: 10 },
      { zone: "America/New_York", windows: "Eastern Standard Time", hour: 9 },
    ].map((spec) => ({ ...spec, firstDay: addDays(nextDstChange(spec.zone, Date.now() + 3 * DAY_MS), -2) }));
    const masters = [];
    for (const { windows, hour, firstDay } of series) {
      const at = (date: string, h: number) => ({
        dateTime: `${date}T${String(h).padStart(2, "0")}:00:00`,
        timeZone: windows,
      });
      const [master] = await seed(mailbox, [
        {
          subject: `Daily ${windows}`,
          start: at(firstDay, hour),
          end: at(firstDay, hour + 1),
          recurrence: {
            pattern: { type: "daily", interval: 1 },
            range: { type: "numbered", startDate: firstDay, numberOfOccurrences: 5, recurrenceTimeZone: windows },
          },
        },
      ]);
      masters.push(master ?? "");
    }

    const options = { daysAhead: 400 };
    expect((await importNow(integrationId, options)).result.created).toBe(10);
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(10);
    const occurrencesOf = async (master: string) =>
      (await liveRows(integrationId))
        .filter((row) => row.graphSeriesMasterId === master)
        .sort((left, right) => left.startsAt.getTime() - right.startsAt.getTime());
    for (const [index, { zone, hour, firstDay }] of series.entries()) {
      const rows = await occurrencesOf(masters[index] ?? "");
      expect(rows).toHaveLength(5);
      // Local `hour` on each day, whichever side of the change it falls on: the change happens before dawn.
      const expected = [0, 1, 2, 3, 4].map(
        (n) => new Date(startOfDateInZone(addDays(firstDay, n + 1), zone).getTime() - (24 - hour) * HOUR_MS),
      );
      expect(rows.map(({ startsAt }) => startsAt)).toEqual(expected);
      expect(new Set(rows.map(({ startsAt }) => startsAt.getUTCHours())).size).toBe(2);
      expect(rows.every((row) => row.timeZone === zone && row.graphEventType === "occurrence")).toBe(true);
    }

    const paris = await occurrencesOf(masters[0] ?? "");
    await admin("PATCH", `/mailboxes/${mailbox}/events/${paris[1]?.graphEventId}`, {
      subject: "Moved to the big room",
    });
    expect((await importNow(integrationId, options)).result).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    expect((await occurrencesOf(masters[0] ?? ""))[1]).toMatchObject({
      title: "Moved to the big room",
      graphEventType: "exception",
      graphSeriesMasterId: masters[0],
    });

    await admin("POST", `/mailboxes/${mailbox}/events/${masters[0]}/shift`, { minutes: 60 });
    expect((await importNow(integrationId, options)).result).toMatchObject({ created: 5, deleted: 5 });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(10);
    const shifted = await occurrencesOf(masters[0] ?? "");
    expect(shifted.map(({ startsAt }) => startsAt.getTime())).toEqual(
      paris.map(({ startsAt }) => startsAt.getTime() + HOUR_MS),
    );
    expect(shifted.some(({ graphEventId }) => paris.some((old) => old.graphEventId === graphEventId))).toBe(false);
    expect((await tombstones(integrationId)).map(({ graphEventId }) => graphEventId).sort()).toEqual(
      paris.map(({ graphEventId }) => graphEventId).sort(),
    );
  });

  it("keeps all-day events on their dates whatever their zone, DST days included", async () => {
    const { integrationId, mailbox } = await connect("allday");
    const newYorkChange = nextDstChange("America/New_York", Date.now() + 3 * DAY_MS);
    const parisDay = addDays(new Date().toISOString().slice(0, 10), 20);
    const tokyoDay = addDays(parisDay, 10);
    const allDay = (subject: string, zone: string, first: string, days: number) => ({
      subject,
      isAllDay: true,
      start: { dateTime: `${first}T00:00:00`, timeZone: zone },
      end: { dateTime: `${addDays(first, days)}T00:00:00`, timeZone: zone },
    });
    await seed(mailbox, [
      allDay("New York DST day", "Eastern Standard Time", newYorkChange, 1),
      allDay("Paris day", "Romance Standard Time", parisDay, 1),
      allDay("Tokyo retreat", "Tokyo Standard Time", tokyoDay, 3),
    ]);

    await importNow(integrationId, { daysAhead: 400 });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(3);
    const rows = new Map((await liveRows(integrationId)).map((row) => [row.title, row]));
    expect(rows.get("New York DST day")).toMatchObject({
      isAllDay: true,
      startDate: newYorkChange,
      endDate: addDays(newYorkChange, 1),
      timeZone: "America/New_York",
      startsAt: startOfDateInZone(newYorkChange, "America/New_York"),
      endsAt: startOfDateInZone(addDays(newYorkChange, 1), "America/New_York"),
    });
    const newYorkRow = rows.get("New York DST day");
    expect((newYorkRow?.endsAt.getTime() ?? 0) - (newYorkRow?.startsAt.getTime() ?? 0)).not.toBe(DAY_MS);
    expect(rows.get("Paris day")).toMatchObject({
      startDate: parisDay,
      endDate: addDays(parisDay, 1),
      timeZone: "Europe/Paris",
    });
    expect(rows.get("Tokyo retreat")).toMatchObject({
      startDate: tokyoDay,
      endDate: addDays(tokyoDay, 3),
      timeZone: "Asia/Tokyo",
      startsAt: startOfDateInZone(tokyoDay, "Asia/Tokyo"),
    });
  });

  it("restarts a calendar whose cursor Outlook rejects, mid-round or between rounds, and reconciles without a duplicate", async () => {
    const { integrationId, mailbox } = await connect("gone");
    const ids = await seed(mailbox, manyEvents(450));
    expect((await importNow(integrationId, { maxPages: 1 })).result.calendars[0]).toMatchObject({
      status: "paused",
      pages: 1,
    });
    const imported = (await liveRows(integrationId)).map(({ graphEventId }) => graphEventId);
    expect(imported).toHaveLength(200);

    // Deleted while the round was paused: the fresh round never mentions it, only the reconciliation can remove it.
    const deleted = imported[0] ?? "";
    await admin("DELETE", `/mailboxes/${mailbox}/events/${deleted}`);
    await seed(mailbox, [timedEvent("Created during the pause", 5)]);
    await admin("POST", "/faults/expire-delta-tokens", { mailbox });
    const restarted = await importNow(integrationId);
    expect(restarted.result.calendars[0]).toMatchObject({ status: "complete", fullRound: true, restarts: 1, pages: 3 });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(450);
    expect((await tombstones(integrationId)).map(({ graphEventId }) => graphEventId)).toEqual([deleted]);

    // A deltaLink rejected with another of Microsoft's codes, after changes it will never report.
    await admin("PATCH", "/options", { deltaExpiredCode: "resyncRequired" });
    try {
      await admin("DELETE", `/mailboxes/${mailbox}/events/${ids[449]}`);
      await admin("PATCH", `/mailboxes/${mailbox}/events/${ids[448]}`, { subject: "Edited before the reset" });
      await admin("POST", "/faults/expire-delta-tokens", { mailbox });
      const reset = await importNow(integrationId);
      expect(reset.result).toMatchObject({
        created: 0,
        updated: 1,
        deleted: 1,
        calendars: [{ fullRound: true, restarts: 1 }],
      });
      expect(await expectAgendaEqualsMailbox(integrationId)).toBe(449);
      const [{ count }] = (await database().db.execute(
        sql`select count(*)::int as count from agenda_events where integration_id = ${integrationId}`,
      )) as unknown as [{ count: number }];
      expect(count).toBe(451);
    } finally {
      await admin("PATCH", "/options", { deltaExpiredCode: "SyncStateNotFound" });
    }
  });

  it("resumes from the saved nextLink after a worker stopped mid-import, and stops when told to", async () => {
    const { integrationId, mailbox } = await connect("killed");
    await seed(mailbox, manyEvents(450));

    const aborted = new AbortController();
    aborted.abort();
    await expect(importNow(integrationId, { signal: aborted.signal })).rejects.toThrow();
    expect(await liveRows(integrationId)).toHaveLength(0);

    const stopped = await importNow(integrationId, { maxPages: 2 });
    expect(stopped.result).toMatchObject({ created: 400, calendars: [{ status: "paused", pages: 2 }] });
    const saved = await cursorOf(integrationId);
    expect(saved.nextLink).toContain("$skiptoken=");
    expect(saved.deltaLink).toBeNull();

    const resumed = await importNow(integrationId);
    expect(resumed.result).toMatchObject({
      created: 50,
      updated: 0,
      deleted: 0,
      calendars: [{ status: "complete", pages: 1, restarts: 0 }],
    });
    expect(resumed.stats.requests).toBe(2);
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(450);
  });

  it("ends equal to the mailbox under 30% injected 429 and 503", async () => {
    const { integrationId, mailbox } = await connect("faults");
    const ids = await seed(mailbox, manyEvents(450));
    await admin("PUT", "/faults", { errorRate: 0.3, errorStatuses: [429, 503], retryAfterSeconds: 0.02, seed: 42 });
    const runs = [];
    try {
      runs.push(await importNow(integrationId));
      expect(runs[0]?.result.created).toBe(450);
      for (let round = 0; round < 5; round++) {
        await admin("PATCH", `/mailboxes/${mailbox}/events/${ids[round]}`, { subject: `Changed under fire ${round}` });
        await admin("DELETE", `/mailboxes/${mailbox}/events/${ids[100 + round]}`);
        await seed(mailbox, [timedEvent(`Added under fire ${round}`, 3 + round)]);
        runs.push(await importNow(integrationId));
        expect(runs.at(-1)?.result).toMatchObject({ created: 1, updated: 1, deleted: 1 });
      }
    } finally {
      await admin("PUT", "/faults", {});
    }
    const { value: log } = (await admin("GET", `/requests?mailbox=${mailbox}`)) as {
      value: Array<{ status: number; injected: string | null }>;
    };
    const injected = new Set(log.filter(({ injected }) => injected).map(({ status }) => status));
    expect(injected).toEqual(new Set([429, 503]));
    // Each run needs the default calendar and one request per delta page: everything beyond is a retry.
    const retries = runs.reduce(
      (sum, run) =>
        sum + run.stats.requests - 1 - run.result.calendars.reduce((pages, calendar) => pages + calendar.pages, 0),
      0,
    );
    expect(retries).toBe(log.filter(({ injected }) => injected).length);
    expect(runs.reduce((sum, run) => sum + run.stats.throttled, 0)).toBe(
      log.filter(({ status, injected }) => injected && status === 429).length,
    );
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(450);
  });

  it("counts replayed delta items once", async () => {
    const { integrationId, mailbox } = await connect("replays");
    const ids = await seed(mailbox, manyEvents(300));
    await admin("PUT", "/faults", { deltaReplayRate: 0.5, seed: 7 });
    try {
      expect((await importNow(integrationId)).result).toMatchObject({ created: 300, updated: 0, deleted: 0 });
      for (const id of ids.slice(0, 5))
        await admin("PATCH", `/mailboxes/${mailbox}/events/${id}`, { subject: "Replayed edit" });
      expect((await importNow(integrationId)).result).toMatchObject({ created: 0, updated: 5, deleted: 0 });
      expect((await importNow(integrationId)).result).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    } finally {
      await admin("PUT", "/faults", {});
    }
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(300);
  });

  it("keeps an online meeting's join URL only when it is https, and imports the event either way", async () => {
    const { integrationId, mailbox } = await connect("links");
    const [script, plain, teams] = await seed(mailbox, [
      timedEvent("Script", 2),
      timedEvent("Plain", 3),
      timedEvent("Teams", 4, { isOnlineMeeting: true }),
    ]);
    const joinWith = (id: string | undefined, joinUrl: string) =>
      admin("PUT", `/mailboxes/${mailbox}/events/${id}/online-meeting`, { joinUrl });
    await joinWith(script, "javascript:alert(1)");
    await joinWith(plain, "http://meet.example.test/room");
    const onlineUrls = async () =>
      Object.fromEntries((await liveRows(integrationId)).map(({ title, onlineUrl }) => [title, onlineUrl]));

    expect((await importNow(integrationId)).result).toMatchObject({ created: 3 });
    expect(await onlineUrls()).toEqual({
      Script: null,
      Plain: null,
      Teams: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//),
    });

    await joinWith(teams, "javascript:alert(2)");
    expect((await importNow(integrationId)).result).toMatchObject({ updated: 1 });
    expect((await onlineUrls()).Teams).toBeNull();
  });

  it("ignores removals of events outside the window and tombstones events that leave it", async () => {
    const { integrationId, mailbox } = await connect("outside");
    const [far, near] = await seed(mailbox, [timedEvent("Far away", 500 * 24), timedEvent("Next week", 7 * 24)]);
    await importNow(integrationId);
    expect((await liveRows(integrationId)).map(({ graphEventId }) => graphEventId)).toEqual([near]);

    await admin("PATCH", `/mailboxes/${mailbox}/events/${far}`, { subject: "Still far away" });
    expect((await importNow(integrationId)).result).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    await admin("PATCH", `/mailboxes/${mailbox}/events/${near}`, timedEvent("Postponed", 600 * 24));
    expect((await importNow(integrationId)).result).toMatchObject({ created: 0, updated: 0, deleted: 1 });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(0);
  });

  it("does not re-import the product's own exports: an echo only refreshes Outlook's change key", async () => {
    const { integrationId, mailbox } = await connect("echo");
    const [exported] = await seed(mailbox, [timedEvent("Exported platform event", 48)]);
    const [integration] = await database()
      .db.select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integrationId));
    const [own] = await database()
      .db.insert(agendaEvents)
      .values({
        ownerId: integration?.userId ?? "",
        source: "platform",
        integrationId,
        title: "Exported platform event",
        startsAt: new Date(Date.now() + 48 * HOUR_MS),
        endsAt: new Date(Date.now() + 49 * HOUR_MS),
        timeZone: "Europe/Paris",
        graphEventId: exported,
        graphChangeKey: "stale",
      })
      .returning();

    expect((await importNow(integrationId)).result).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    const rows = await database().db.select().from(agendaEvents).where(eq(agendaEvents.integrationId, integrationId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: own?.id, source: "platform", title: "Exported platform event", version: 1 });
    expect(rows[0]?.graphChangeKey).not.toBe("stale");
    expect(rows[0]?.remoteModifiedAt).toBeInstanceOf(Date);

    await admin("DELETE", `/mailboxes/${mailbox}/events/${exported}`);
    await importNow(integrationId);
    expect(
      await database().db.select().from(agendaEvents).where(eq(agendaEvents.integrationId, integrationId)),
    ).toMatchObject([{ id: own?.id, deletedAt: null }]);
  });

  it("rolls the window forward once the cursor's window is more than a day behind, reconciling like a fresh import", async () => {
    const { integrationId, mailbox } = await connect("roll");
    const ids = await seed(mailbox, manyEvents(20));
    await importNow(integrationId);
    const ageCursor = (hours: number) =>
      database()
        .db.update(syncCursors)
        .set({
          windowStart: sql`${syncCursors.windowStart} - make_interval(hours => ${hours})`,
          windowEnd: sql`${syncCursors.windowEnd} - make_interval(hours => ${hours})`,
        })
        .where(eq(syncCursors.integrationId, integrationId));

    await ageCursor(12);
    expect((await importNow(integrationId)).result.calendars[0]).toMatchObject({ fullRound: false });

    // Reported only by the deltaLink that the new window replaces: the reconciliation has to find it.
    await admin("DELETE", `/mailboxes/${mailbox}/events/${ids[5]}`);
    await ageCursor(48);
    const rolled = await importNow(integrationId);
    expect(rolled.result).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 1,
      calendars: [{ status: "complete", fullRound: true, restarts: 0 }],
    });
    const cursor = await cursorOf(integrationId);
    expect(Math.abs(cursor.windowStart.getTime() - (Date.now() - 30 * DAY_MS))).toBeLessThan(60_000);
    expect(Math.abs(cursor.windowEnd.getTime() - (Date.now() + 365 * DAY_MS))).toBeLessThan(60_000);
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(19);
  });

  it("never follows a stored link naming another origin: the calendar is read again in full, once, and the run says why", async () => {
    const { integrationId, mailbox } = await connect("origins");
    const ids = await seed(mailbox, manyEvents(250));
    await importNow(integrationId);
    // Changed in Outlook while the cursor pointed elsewhere: only reading the calendar again can see the deletion.
    await admin("DELETE", `/mailboxes/${mailbox}/events/${ids[0]}`);
    await admin("PATCH", `/mailboxes/${mailbox}/events/${ids[1]}`, { subject: "Edited while the link was wrong" });

    const elsewhere = await listenSilently();
    try {
      const { calendarId } = await cursorOf(integrationId);
      const foreignLink = `${elsewhere.origin}/v1.0/me/calendars/${calendarId}/calendarView/delta?$deltatoken=stolen-token`;
      const expectations = {
        deltaLink: { created: 0, updated: 1, deleted: 1 },
        nextLink: { created: 0, updated: 0, deleted: 0 },
      };
      for (const [column, counts] of Object.entries(expectations)) {
        await database()
          .db.update(syncCursors)
          .set({ [column]: foreignLink })
          .where(eq(syncCursors.integrationId, integrationId));
        const run = await importNow(integrationId);
        expect(run.result).toMatchObject({
          ...counts,
          calendars: [{ status: "complete", fullRound: true, restarts: 0 }],
        });
        const [recorded] = await database().db.select().from(syncRuns).where(eq(syncRuns.id, run.runId));
        expect(recorded).toMatchObject({
          status: "succeeded",
          issues: [{ message: expect.stringContaining(`stored delta link named ${elsewhere.origin}, not Graph's`) }],
        });
        expect(JSON.stringify(recorded?.issues)).not.toContain("stolen-token");
        expect(await cursorOf(integrationId)).toMatchObject({
          nextLink: null,
          deltaLink: expect.stringMatching(new RegExp(`^${sandbox().url}/`)),
        });
      }
      expect(elsewhere.connections).toBe(0);
    } finally {
      await elsewhere.close();
    }
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(249);
    const [{ count }] = (await database().db.execute(
      sql`select count(*)::int as count from agenda_events where integration_id = ${integrationId}`,
    )) as unknown as [{ count: number }];
    expect(count).toBe(250);
  });

  it("stops a run at a page whose link names another origin than Graph's, keeping neither the link nor the page", async () => {
    const { integrationId, mailbox } = await connect("aliased");
    await seed(mailbox, manyEvents(250));
    // Graph configured under another name than the one it builds its links on: its links name an origin not configured.
    const aliased = new OutlookServices(
      services.db,
      services.identity,
      services.vault,
      sandbox().url.replace("127.0.0.1", "localhost"),
    );
    const failed = await runSync(aliased, integrationId, "import", "manual", (run) => importIntegration(run)).catch(
      (error: unknown) => error,
    );
    expect(failed).toMatchObject({ code: "OUTLOOK_UNAVAILABLE" });
    const [recorded] = await database()
      .db.select()
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.status, "failed")));
    expect(recorded).toMatchObject({
      error: "OUTLOOK_UNAVAILABLE",
      requests: 2,
      issues: [{ message: expect.stringContaining(`Graph answered a link to ${sandbox().url}, not to its own`) }],
    });
    expect(await cursorOf(integrationId)).toMatchObject({ nextLink: null, deltaLink: null });
    expect(await liveRows(integrationId)).toEqual([]);

    expect((await importNow(integrationId)).result).toMatchObject({
      created: 250,
      calendars: [{ status: "complete", fullRound: true }],
    });
    expect(await expectAgendaEqualsMailbox(integrationId)).toBe(250);
  });
});
