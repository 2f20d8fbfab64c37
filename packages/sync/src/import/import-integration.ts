import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, syncCursors, users, type SyncRunIssue } from "@agenda/db/schema";
import { graphStatusOf } from "@agenda/graph/graph-client";
import { ForeignOriginError, isGraphLink, originOf } from "@agenda/graph/graph-middleware";
import { GraphError } from "@microsoft/microsoft-graph-client";
import type { Calendar } from "@microsoft/microsoft-graph-types";
import { and, eq, gt, inArray, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { SyncRun } from "../runs/sync-run";
import {
  graphEventToAgendaEvent,
  type GraphDeltaItem,
  type GraphEventContext,
  type GraphEventMapping,
  type ImportedAgendaEvent,
} from "../reconcile/graph-event-mapping";
import {
  adoptOwnCopy,
  isPlainOutlookRow,
  applyOutlookChange,
  type AgendaEventRow,
  type OutlookChangeOutcome,
} from "../reconcile/outlook-changes";
import { removeEventsOfUnimportedCalendars, type ImportedCalendars } from "../reconcile/settings-cleanup";

const DAY_MS = 86_400_000;
/** Outlook's largest delta page. */
const PAGE_SIZE = 200;
/** Times in UTC, plain-text bodies, full pages, and ids that survive moves between calendars. */
const DELTA_PREFER = [
  `outlook.timezone="UTC"`,
  `outlook.body-content-type="text"`,
  `odata.maxpagesize=${PAGE_SIZE}`,
  `IdType="ImmutableId"`,
].join(", ");
/** A cursor whose window is further than this from the wanted one is replaced by a new round: the window rolls daily. */
const WINDOW_TOLERANCE_MS = DAY_MS;
/** Rejected cursors one calendar may restart from in one run; past that the run fails and its job retries later. */
const MAX_RESTARTS = 3;
/** Error codes of a delta token Outlook no longer knows, in the casings seen (`SyncStateNotFound` on the wire). */
const RESYNC_CODES = new Set(["syncstatenotfound", "resyncrequired", "fullsyncrequired"]);

export interface ImportOptions {
  /** Days before now the window starts; 30 by default. */
  daysBack?: number;
  /** Days after now the window ends; 365 by default. */
  daysAhead?: number;
  /**
   * Delta pages this run may read over all its calendars. A run that reaches it stops with its place saved, as a
   * killed worker would, and the next run resumes there.
   */
  maxPages?: number;
  /** Checked between pages (a worker shutting down): pages written stay written, and the next run resumes. */
  signal?: AbortSignal;
}

export interface CalendarImport {
  calendarId: string;
  /** `paused`: `maxPages` reached, the next run resumes; `missing`: Outlook no longer has the calendar. */
  status: "complete" | "paused" | "missing";
  /** Whether a full round ran (first import, rejected cursor, rolled window), which tombstones what it did not see. */
  fullRound: boolean;
  pages: number;
  /** Rounds restarted because Outlook rejected the cursor. */
  restarts: number;
}

export interface ImportResult {
  created: number;
  updated: number;
  deleted: number;
  /** Rows the conflict rules left for the export to write to Outlook (formations to put back, edits to push). */
  toExport: number;
  calendars: CalendarImport[];
}

interface Counts {
  created: number;
  updated: number;
  deleted: number;
  toExport: number;
}

const emptyCounts = (): Counts => ({ created: 0, updated: 0, deleted: 0, toExport: 0 });
const COUNTED = ["created", "updated", "deleted", "toExport"] as const;

/** An event of a delta page, with the transactionId its creator gave it (this product's creates have one). */
interface IncomingEvent {
  event: ImportedAgendaEvent;
  transactionId: string | null;
}

interface DeltaPage {
  value: GraphDeltaItem[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

interface TimeWindow {
  start: Date;
  end: Date;
}

/** Where a calendar's delta stands: the next request to send, and what the round covers. */
interface Round {
  link: string;
  window: TimeWindow;
  /** Set for full rounds: when the round ends, events of the calendar it did not deliver are tombstoned. */
  resyncStartedAt: Date | null;
}

/**
 * Columns an import writes per event, with their Postgres types: a page travels as one JSON parameter that
 * `json_to_recordset` reads with them. A record, so that a column added to ImportedAgendaEvent and forgotten here
 * fails to compile. (The other columns are the same for the whole page.)
 */
const EVENT_COLUMNS: Record<
  Exclude<keyof ImportedAgendaEvent, "ownerId" | "source" | "integrationId" | "graphCalendarId">,
  string
> = {
  graphEventId: "text",
  title: "text",
  body: "text",
  location: "text",
  onlineUrl: "text",
  startsAt: "timestamptz",
  endsAt: "timestamptz",
  isAllDay: "boolean",
  startDate: "date",
  endDate: "date",
  timeZone: "text",
  showAs: "show_as",
  graphIcalUid: "text",
  graphChangeKey: "text",
  graphSeriesMasterId: "text",
  graphEventType: "graph_event_type",
  recurrence: "jsonb",
  remoteModifiedAt: "timestamptz",
};
const eventColumns = Object.entries(EVENT_COLUMNS).map(([key, type]) => ({
  json: sql.identifier(key),
  column: sql.identifier(toSnakeCase(key)),
  type: sql.raw(type),
}));
const INCOMING_RECORD = sql.join(
  eventColumns.map(({ json, type }) => sql`${json} ${type}`),
  sql`, `,
);
const EVENT_COLUMN_LIST = sql.join(
  eventColumns.map(({ column }) => column),
  sql`, `,
);
const INCOMING_VALUES = sql.join(
  eventColumns.map(({ json }) => sql`incoming.${json}`),
  sql`, `,
);
const REFRESHED_VALUES = sql.join(
  eventColumns.map(({ column }) => sql`${column} = excluded.${column}`),
  sql`, `,
);
/** Whether an update changes what the agenda shows (Outlook gives an event a new changeKey on every edit). */
const CHANGED = sql`(agenda_events.graph_change_key is distinct from excluded.graph_change_key
  or agenda_events.graph_calendar_id is distinct from excluded.graph_calendar_id or agenda_events.deleted_at is not null)`;
/** The row's version after the update: Outlook's copy reflects it, whatever it is. */
const NEXT_VERSION = sql`case when ${CHANGED} then agenda_events.version + 1 else agenda_events.version end`;

function isRejectedCursor(error: unknown): boolean {
  return (
    error instanceof GraphError && (error.statusCode === 410 || RESYNC_CODES.has((error.code ?? "").toLowerCase()))
  );
}

function wantedWindow(options: ImportOptions): TimeWindow {
  const now = Date.now();
  return {
    start: new Date(now - (options.daysBack ?? 30) * DAY_MS),
    end: new Date(now + (options.daysAhead ?? 365) * DAY_MS),
  };
}

function windowIsCurrent(current: TimeWindow, wanted: TimeWindow): boolean {
  return (
    Math.abs(current.start.getTime() - wanted.start.getTime()) <= WINDOW_TOLERANCE_MS &&
    Math.abs(current.end.getTime() - wanted.end.getTime()) <= WINDOW_TOLERANCE_MS
  );
}

function firstLink(calendarId: string, window: TimeWindow): string {
  const query = new URLSearchParams({
    startDateTime: window.start.toISOString(),
    endDateTime: window.end.toISOString(),
  });
  return `/me/calendars/${encodeURIComponent(calendarId)}/calendarView/delta?${query}`;
}

/** Forgets a calendar's cursor and starts a full round over `window`, dated by the database clock like the rows it marks. */
async function startFullRound(
  db: DatabaseOrTransaction,
  integrationId: string,
  calendarId: string,
  window: TimeWindow,
): Promise<Round> {
  const fresh = {
    deltaLink: null,
    nextLink: null,
    windowStart: window.start,
    windowEnd: window.end,
    resyncStartedAt: sql`now()`,
    updatedAt: sql`now()`,
  };
  const [cursor] = await db
    .insert(syncCursors)
    .values({ integrationId, calendarId, ...fresh })
    .onConflictDoUpdate({ target: [syncCursors.integrationId, syncCursors.calendarId], set: fresh })
    .returning({ resyncStartedAt: syncCursors.resyncStartedAt });
  return { link: firstLink(calendarId, window), window, resyncStartedAt: cursor?.resyncStartedAt ?? null };
}

/** The round a calendar's cursor holds: the one in progress, or the next from its deltaLink unless its window is stale. */
async function storedRound(
  db: DatabaseOrTransaction,
  integrationId: string,
  calendarId: string,
  wanted: TimeWindow,
): Promise<Round | undefined> {
  const [cursor] = await db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.integrationId, integrationId), eq(syncCursors.calendarId, calendarId)));
  const window = cursor && { start: cursor.windowStart, end: cursor.windowEnd };
  if (cursor?.nextLink && window) return { link: cursor.nextLink, window, resyncStartedAt: cursor.resyncStartedAt };
  if (cursor?.deltaLink && window && windowIsCurrent(window, wanted))
    return { link: cursor.deltaLink, window, resyncStartedAt: null };
  return undefined;
}

/**
 * Resumes the stored round, or starts over when there is none. A stored link to another origin than Graph's (a
 * sandbox since restarted on another port, an edited row) is never followed: the calendar starts over, as when
 * Outlook rejects a cursor, and the run says why (with the origin only: the link's query holds the delta token).
 */
async function openRound(run: SyncRun, calendarId: string, wanted: TimeWindow): Promise<Round> {
  const stored = await storedRound(run.db, run.integration.id, calendarId, wanted);
  const { graphOrigin } = run.services;
  if (stored && isGraphLink(stored.link, graphOrigin)) return stored;
  if (stored) {
    run.stats.issues.push({
      message: `Outlook calendar ${calendarId}: its stored delta link named ${originOf(stored.link)}, not Graph's ${graphOrigin}; not followed, the calendar is read again in full`,
    });
  }
  return startFullRound(run.db, run.integration.id, calendarId, wanted);
}

/**
 * Writes, in one statement, the events of a page that are new to the agenda or refresh (or revive) a plain Outlook
 * row: one with no platform edit pending, the common case. Counts what changed.
 */
async function upsertPlainEvents(
  tx: DatabaseOrTransaction,
  context: GraphEventContext,
  events: ImportedAgendaEvent[],
): Promise<Counts> {
  const { ownerId, integrationId, calendarId } = context;
  const [counts] = await tx.execute<{ created: number; updated: number }>(sql`
    with incoming as (
      select * from json_to_recordset(${JSON.stringify(events)}::json) as incoming(${INCOMING_RECORD})
    ),
    previous as (
      select stored.graph_event_id, stored.graph_change_key, stored.graph_calendar_id, stored.deleted_at
      from agenda_events stored
      where stored.integration_id = ${integrationId} and stored.graph_event_id is not null
        and stored.graph_event_id = any(array(select "graphEventId" from incoming))
    ),
    written as (
      insert into agenda_events (owner_id, source, integration_id, graph_calendar_id, graph_seen_at, outlook_version, outlook_body, ${EVENT_COLUMN_LIST})
      select ${ownerId}::uuid, 'outlook', ${integrationId}::uuid, ${calendarId}::text, now(), 1, incoming."body", ${INCOMING_VALUES}
      from incoming
      on conflict (integration_id, graph_event_id) where graph_event_id is not null do update set
        ${REFRESHED_VALUES}, graph_calendar_id = excluded.graph_calendar_id, outlook_body = excluded.outlook_body, deleted_at = null, graph_seen_at = now(),
        version = ${NEXT_VERSION}, outlook_version = ${NEXT_VERSION},
        updated_at = case when ${CHANGED} then now() else agenda_events.updated_at end
      where agenda_events.source = 'outlook'
      returning graph_event_id, graph_change_key, graph_calendar_id
    )
    select
      count(*) filter (where previous.graph_event_id is null or previous.deleted_at is not null)::int as created,
      count(*) filter (where previous.graph_event_id is not null and previous.deleted_at is null
        and (previous.graph_change_key is distinct from written.graph_change_key
        or previous.graph_calendar_id is distinct from written.graph_calendar_id))::int as updated
    from written left join previous on previous.graph_event_id = written.graph_event_id`);
  return { created: counts?.created ?? 0, updated: counts?.updated ?? 0, deleted: 0, toExport: 0 };
}

function addOutcome(counts: Counts, { effect, needsExport }: OutlookChangeOutcome): void {
  if (effect !== "none") counts[effect]++;
  if (needsExport) counts.toExport++;
}

/**
 * Writes a page's events. Rows that are not plain Outlook rows (formation copies, platform events, Outlook events
 * with a platform edit pending, copies whose create answer was lost) go through the conflict rules one by one; the
 * rest in one statement. Rows are locked first, so an edit made in the platform meanwhile waits for the page.
 */
async function upsertEvents(
  tx: DatabaseOrTransaction,
  run: SyncRun,
  context: GraphEventContext,
  items: IncomingEvent[],
): Promise<Counts> {
  const { integrationId, ownerId } = context;
  const known = await tx
    .select()
    .from(agendaEvents)
    .where(
      and(
        eq(agendaEvents.integrationId, integrationId),
        inArray(
          agendaEvents.graphEventId,
          items.map(({ event }) => event.graphEventId),
        ),
      ),
    )
    .for("update");
  const byGraphId = new Map(known.map((row) => [row.graphEventId, row]));
  const unknownTransactionIds = items.flatMap(({ event, transactionId }) =>
    transactionId && !byGraphId.has(event.graphEventId) ? [transactionId] : [],
  );
  const sent =
    unknownTransactionIds.length === 0
      ? []
      : await tx
          .select()
          .from(agendaEvents)
          // Live rows only, which the owner's index covers: a deleted one's lost copy is found and deleted by the export.
          .where(
            and(
              eq(agendaEvents.ownerId, ownerId),
              isNull(agendaEvents.deletedAt),
              inArray(agendaEvents.graphTransactionId, unknownTransactionIds),
              isNull(agendaEvents.graphEventId),
            ),
          )
          .for("update");
  const bySentTransaction = new Map(sent.map((row) => [row.graphTransactionId, row]));

  const plain: ImportedAgendaEvent[] = [];
  const special: Array<{ row: AgendaEventRow; event: ImportedAgendaEvent; adopt: boolean }> = [];
  for (const { event, transactionId } of items) {
    const row = byGraphId.get(event.graphEventId);
    const own = row ? undefined : transactionId ? bySentTransaction.get(transactionId) : undefined;
    if (own) special.push({ row: own, event, adopt: true });
    else if (row && !isPlainOutlookRow(row)) special.push({ row, event, adopt: false });
    else plain.push(event);
  }
  const counts = plain.length > 0 ? await upsertPlainEvents(tx, context, plain) : emptyCounts();
  const conflicts = { integrationId, runId: run.id };
  for (const { row, event, adopt } of special) {
    addOutcome(
      counts,
      adopt
        ? await adoptOwnCopy(tx, conflicts, row, event)
        : await applyOutlookChange(tx, conflicts, row, { kind: "edited", event }),
    );
  }
  return counts;
}

/**
 * Rows of a calendar whose Outlook copy lies within a window. Delta reports changes outside its window as removals
 * too: rows outside the window are left alone, so those removals are harmless.
 */
function copiesWithin(integrationId: string, calendarId: string, window: TimeWindow) {
  return and(
    eq(agendaEvents.integrationId, integrationId),
    eq(agendaEvents.graphCalendarId, calendarId),
    isNotNull(agendaEvents.graphEventId),
    gt(agendaEvents.endsAt, window.start),
    lt(agendaEvents.startsAt, window.end),
  );
}

/** Rows whose Outlook copy is gone: plain Outlook rows are tombstoned in one statement, the others follow the rules. */
async function applyRemovals(
  tx: DatabaseOrTransaction,
  run: SyncRun,
  integrationId: string,
  where: SQL | undefined,
): Promise<Counts> {
  const rows = await tx.select().from(agendaEvents).where(where).for("update");
  const counts = emptyCounts();
  const tombstoned = rows.filter((row) => isPlainOutlookRow(row) && row.deletedAt === null).map(({ id }) => id);
  if (tombstoned.length > 0) {
    const next = sql`${agendaEvents.version} + 1`;
    await tx
      .update(agendaEvents)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: next, outlookVersion: next })
      .where(inArray(agendaEvents.id, tombstoned));
    counts.deleted += tombstoned.length;
  }
  for (const row of rows.filter((candidate) => !isPlainOutlookRow(candidate))) {
    addOutcome(counts, await applyOutlookChange(tx, { integrationId, runId: run.id }, row, { kind: "removed" }));
  }
  return counts;
}

function removedIn(integrationId: string, calendarId: string, round: Round, ids: string[]) {
  return and(copiesWithin(integrationId, calendarId, round.window), inArray(agendaEvents.graphEventId, ids));
}

/** The end of a full round: what the calendar held in the window and the round did not deliver is gone from Outlook. */
function unseenIn(integrationId: string, calendarId: string, round: Round & { resyncStartedAt: Date }) {
  return and(
    copiesWithin(integrationId, calendarId, round.window),
    or(isNull(agendaEvents.graphSeenAt), lt(agendaEvents.graphSeenAt, round.resyncStartedAt)),
  );
}

/** What a page asks of the agenda, each event once at its last state in the page (delta may repeat items). */
function readItems(
  page: DeltaPage,
  context: GraphEventContext,
): { upserts: IncomingEvent[]; removals: string[]; issues: SyncRunIssue[] } {
  const latest = new Map<string, Exclude<GraphEventMapping, { kind: "unmappable" }>>();
  const issues: SyncRunIssue[] = [];
  for (const item of page.value) {
    const mapping = graphEventToAgendaEvent(item, context);
    if (mapping.kind === "unmappable") {
      issues.push({
        message: `Outlook event not imported: ${mapping.reason}`,
        ...(mapping.graphEventId ? { graphEventId: mapping.graphEventId } : {}),
      });
      continue;
    }
    latest.set(mapping.kind === "upsert" ? mapping.event.graphEventId : mapping.graphEventId, mapping);
  }
  const upserts: IncomingEvent[] = [];
  const removals: string[] = [];
  for (const [id, mapping] of latest) {
    if (mapping.kind === "upsert") upserts.push({ event: mapping.event, transactionId: mapping.transactionId });
    else removals.push(id);
  }
  return { upserts, removals, issues };
}

/** One page, in one transaction with the cursor that points past it: a worker killed anywhere resumes without a gap. */
async function writePage(run: SyncRun, context: GraphEventContext, round: Round, page: DeltaPage): Promise<Counts> {
  const { integrationId, calendarId } = context;
  const { upserts, removals, issues } = readItems(page, context);
  const deltaLink = page["@odata.deltaLink"];
  const counts = await run.db.transaction(async (tx) => {
    const counts = emptyCounts();
    const add = (more: Counts) => {
      for (const key of COUNTED) counts[key] += more[key];
    };
    if (upserts.length > 0) add(await upsertEvents(tx, run, context, upserts));
    if (removals.length > 0)
      add(await applyRemovals(tx, run, integrationId, removedIn(integrationId, calendarId, round, removals)));
    if (deltaLink && round.resyncStartedAt)
      add(
        await applyRemovals(
          tx,
          run,
          integrationId,
          unseenIn(integrationId, calendarId, { ...round, resyncStartedAt: round.resyncStartedAt }),
        ),
      );
    await tx
      .update(syncCursors)
      .set(
        deltaLink
          ? { deltaLink, nextLink: null, resyncStartedAt: null, updatedAt: sql`now()` }
          : { nextLink: page["@odata.nextLink"], updatedAt: sql`now()` },
      )
      .where(and(eq(syncCursors.integrationId, integrationId), eq(syncCursors.calendarId, calendarId)));
    return counts;
  });
  run.stats.issues.push(...issues);
  return counts;
}

interface PageBudget {
  remaining: number;
}

function readPage(run: SyncRun, link: string): Promise<DeltaPage> {
  const page = run.graph.api(link).header("Prefer", DELTA_PREFER).get() as Promise<DeltaPage>;
  // Read ahead while the previous page is written: its failure surfaces when it is awaited, or never if the run stops.
  page.catch(() => undefined);
  return page;
}

async function importCalendar(
  run: SyncRun,
  context: GraphEventContext,
  options: ImportOptions,
  budget: PageBudget,
  totals: Counts,
): Promise<CalendarImport> {
  const { integrationId, calendarId } = context;
  const wanted = wantedWindow(options);
  let round = await openRound(run, calendarId, wanted);
  const result: CalendarImport = {
    calendarId,
    status: "complete",
    fullRound: round.resyncStartedAt !== null,
    pages: 0,
    restarts: 0,
  };
  if (budget.remaining <= 0) return { ...result, status: "paused" };
  options.signal?.throwIfAborted();
  let pending = readPage(run, round.link);
  for (;;) {
    let page: DeltaPage;
    try {
      page = await pending;
    } catch (error) {
      if (isRejectedCursor(error) && result.restarts < MAX_RESTARTS) {
        result.restarts++;
        result.fullRound = true;
        round = await startFullRound(run.db, integrationId, calendarId, wanted);
        pending = readPage(run, round.link);
        continue;
      }
      if (graphStatusOf(error) === 404) {
        await run.db
          .delete(syncCursors)
          .where(and(eq(syncCursors.integrationId, integrationId), eq(syncCursors.calendarId, calendarId)));
        run.stats.issues.push({ message: `Outlook calendar ${calendarId} to import not found`, status: 404 });
        return { ...result, status: "missing" };
      }
      throw error;
    }
    budget.remaining--;
    result.pages++;
    const nextLink = page["@odata.nextLink"];
    const deltaLink = page["@odata.deltaLink"];
    if (!nextLink && !deltaLink) throw new Error("Graph delta page without @odata.nextLink or @odata.deltaLink");
    // A page's link is stored with it, then followed: one to another origin is neither, and the run stops there with
    // the cursor where it was. Starting over would meet the same answer.
    const foreign = [nextLink, deltaLink].find(
      (link) => link !== undefined && !isGraphLink(link, run.services.graphOrigin),
    );
    if (foreign) {
      run.stats.issues.push({
        message: `Outlook calendar ${calendarId}: Graph answered a link to ${originOf(foreign)}, not to its own ${run.services.graphOrigin}; not followed`,
      });
      throw new ForeignOriginError(originOf(foreign), run.services.graphOrigin);
    }
    const goOn = nextLink !== undefined && budget.remaining > 0 && !options.signal?.aborted;
    // Graph serves the next page while Postgres writes this one: two pages in memory at most.
    if (goOn) pending = readPage(run, nextLink);
    const counts = await writePage(run, context, round, page);
    for (const key of COUNTED) totals[key] += counts[key];
    for (const key of ["created", "updated", "deleted"] as const) run.stats[key] += counts[key];
    if (!nextLink) return result;
    options.signal?.throwIfAborted();
    if (!goOn) return { ...result, status: "paused" };
    round = { ...round, link: nextLink };
  }
}

/** Events of calendars the integration does not import leave the agenda, counted as deletions of the run. */
async function removeUnimported(run: SyncRun, totals: Counts, imported: ImportedCalendars): Promise<void> {
  const removed = await removeEventsOfUnimportedCalendars(run.db, run.integration.id, imported);
  totals.deleted += removed;
  run.stats.deleted += removed;
}

/**
 * Imports an integration's Outlook calendars (the selected ones, or the default calendar) into its user's agenda by
 * delta: the first run reads the window page by page, later runs only what changed. Each calendar resumes from its
 * cursor, restarts cleanly when Outlook rejects it, and re-initialises when its window is a day behind.
 */
export async function importIntegration(run: SyncRun, options: ImportOptions = {}): Promise<ImportResult> {
  const totals = emptyCounts();
  const { integration } = run;
  if (!integration.importEnabled) {
    await removeUnimported(run, totals, { kind: "none" });
    return { ...totals, calendars: [] };
  }
  const [owner] = await run.db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, integration.userId));
  let calendarIds = integration.importCalendarIds;
  if (calendarIds.length === 0) {
    const calendar = (await run.graph.api("/me/calendar").select("id").get()) as Calendar;
    if (!calendar.id) throw new Error("Graph returned the default calendar without an id");
    calendarIds = [calendar.id];
  }
  // Settings change them at once; this catches what a run that was under way then wrote after them.
  await removeUnimported(run, totals, { kind: "calendars", ids: calendarIds });
  const budget: PageBudget = { remaining: options.maxPages ?? Number.POSITIVE_INFINITY };
  const calendars: CalendarImport[] = [];
  for (const calendarId of calendarIds) {
    const context: GraphEventContext = {
      ownerId: integration.userId,
      integrationId: integration.id,
      calendarId,
      userTimeZone: owner?.timeZone ?? "UTC",
    };
    calendars.push(await importCalendar(run, context, options, budget, totals));
  }
  return { ...totals, calendars };
}
