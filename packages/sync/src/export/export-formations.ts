import { randomUUID } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, enrollments, formations, users } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { alignFormationEvents } from "@agenda/domain/formations";
import { httpsUrlOrNull } from "@agenda/domain/links";
import { graphStatusOf } from "@agenda/graph/graph-client";
import type { DateTimeTimeZone, Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import { and, eq, isNotNull, isNull, lt, ne, not, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { eventSnapshot, recordConflict, reviewFormationRemovals } from "../conflicts";
import { graphEventToAgendaEvent } from "../import/graph-event-mapping";
import { formationFieldsDiffer, NO_FORMATION_COPY, settleOutlookChange } from "../import/outlook-changes";
import { FORMATION_CATEGORY, FORMATION_ID_PROPERTY } from "../outlook-event-tags";
import type { SyncRun } from "../sync-run";
import { formationToGraphEvent, formationToGraphEventChanges, type ExportedFormation, type FormationEventContext } from "./formation-event-mapping";
import { ifMatch, MAX_REWRITES, PREFER_IMMUTABLE_IDS, REREAD_PREFER, sendInBatches, type BatchItem, type BatchRetrySettings, type BatchSubResponse } from "./graph-batch";

export interface ExportFormationsOptions {
  /** Where the platform is, for the link back to the formation in each event's body. */
  platformUrl: string;
  /** The Outlook add-in's manifest id: each copy carries the add-in's formation custom property (see formationToGraphEvent). */
  addinId?: string;
  retry?: Partial<BatchRetrySettings>;
  /** See `ExportSession.respectRemovals`; true unless set. */
  respectRemovals?: boolean;
}

export interface ExportCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Rows left in error (Outlook refused them) or pending (still failing when retries ran out). */
  failed: number;
}

/** The Outlook copy of a formation, as `exportFormation` hands it back. */
export interface ExportedOutlookEvent {
  id: string;
  /** Null unless https: the web app makes it a link, and Graph's answer is data like any other. */
  webLink: string | null;
  subject: string;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
}

type AgendaEventRow = typeof agendaEvents.$inferSelect;
type ExportState = Pick<AgendaEventRow, keyof typeof NO_FORMATION_COPY | "removedFromOutlookAt">;

/** A formation row of the user's agenda with the formation it mirrors, and the state of its Outlook copy. */
interface ExportRow extends ExportState {
  id: string;
  formation: ExportedFormation & { version: number };
  /** Outlook should hold a copy: the row is live (the user takes part) and the formation is scheduled. */
  wanted: boolean;
}

/**
 * What a row needs. `lookup` searches Outlook by the formation-id extended property before anything is created or
 * deleted, for rows that may have a copy we do not know the id of; `deleteDuplicate` removes extra copies it found.
 * `update` is conditioned on the copy's last changeKey; `reread` fetches the copy after a 412, and `rewrites` counts
 * the updates sent again after one.
 */
type ConditionalOperation = { kind: "update" | "reread"; row: ExportRow; rewrites: number };
type ExportOperation = { kind: "lookup" | "create" | "delete"; row: ExportRow } | ConditionalOperation | { kind: "deleteDuplicate"; row: ExportRow; graphEventId: string };

const update = (row: ExportRow, rewrites = 0): ExportOperation => ({ kind: "update", row, rewrites });

interface ExportSession {
  run: SyncRun;
  context: Omit<FormationEventContext, "transactionId">;
  /** The owner's zone, for reading a copy back as the import reads it. */
  userTimeZone: string;
  /** The calendar receiving creates, resolved once and only when something is created or looked up. */
  calendarId: () => Promise<string>;
  counts: ExportCounts;
  /**
   * A copy found deleted when it is rewritten was removed by the user: respected, unless they asked for this very
   * formation (`exportFormation`), which puts it back.
   */
  respectRemovals: boolean;
}

/** Mirrors `ExportRow.wanted`. */
const isWanted = sql`(${agendaEvents.deletedAt} is null and ${formations.status} = 'scheduled')`;

/**
 * Rows that may have a copy in Outlook whose id we do not hold: a create was sent (transactionId) but its answer
 * never recorded, ids from another (deleted) integration, or ids lost while other traces of the export remain.
 * Mirrors `hasExportTraces`.
 */
const hasExportTracesSql = or(
  isNotNull(agendaEvents.graphEventId),
  isNotNull(agendaEvents.graphTransactionId),
  isNotNull(agendaEvents.integrationId),
  isNotNull(agendaEvents.exportedFormationVersion),
);

function hasExportTraces(row: ExportRow): boolean {
  return row.graphEventId !== null || row.graphTransactionId !== null || row.integrationId !== null || row.exportedFormationVersion !== null;
}

/**
 * An integration as queries name it: by value, or by the columns of an outer query over calendar_integrations (to ask
 * about every integration at once).
 */
export interface IntegrationKey {
  id: string | AnyPgColumn;
  userId: string | AnyPgColumn;
}

/** Rows Outlook is not in line with, for this integration. Mirrors `plannedOperation`. */
function needsExport(integrationId: IntegrationKey["id"]): SQL | undefined {
  return or(
    and(
      isWanted,
      isNull(agendaEvents.removedFromOutlookAt),
      or(
        isNull(agendaEvents.graphEventId),
        sql`${agendaEvents.integrationId} is distinct from ${integrationId}`,
        isNull(agendaEvents.exportedFormationVersion),
        lt(agendaEvents.exportedFormationVersion, formations.version),
        ne(agendaEvents.syncStatus, "synced"),
      ),
    ),
    and(not(isWanted), hasExportTracesSql),
  );
}

/** The formation rows an export of the integration would bring in line, as a subquery (for `exists`). */
export function formationsToExport(db: DatabaseOrTransaction, integration: IntegrationKey) {
  return db
    .select({ id: agendaEvents.id })
    .from(agendaEvents)
    .innerJoin(formations, eq(formations.id, agendaEvents.formationId))
    .where(and(eq(agendaEvents.ownerId, integration.userId), eq(agendaEvents.source, "formation"), needsExport(integration.id)));
}

async function loadExportRows(run: SyncRun, filter: SQL | undefined): Promise<ExportRow[]> {
  const rows = await run.db
    .select({ event: agendaEvents, formation: formations })
    .from(agendaEvents)
    .innerJoin(formations, eq(formations.id, agendaEvents.formationId))
    .where(and(eq(agendaEvents.ownerId, run.integration.userId), eq(agendaEvents.source, "formation"), filter));
  return rows.map(({ event, formation }) => ({
    id: event.id,
    formation,
    wanted: event.deletedAt === null && formation.status === "scheduled",
    integrationId: event.integrationId,
    graphEventId: event.graphEventId,
    graphIcalUid: event.graphIcalUid,
    graphChangeKey: event.graphChangeKey,
    graphCalendarId: event.graphCalendarId,
    graphTransactionId: event.graphTransactionId,
    exportedFormationVersion: event.exportedFormationVersion,
    syncStatus: event.syncStatus,
    syncError: event.syncError,
    removedFromOutlookAt: event.removedFromOutlookAt,
  }));
}

/** What a row needs for Outlook to be in line with it, if anything. */
function plannedOperation(row: ExportRow, integrationId: string): ExportOperation | undefined {
  if (!row.wanted) {
    if (row.graphEventId !== null) return { kind: "delete", row };
    return hasExportTraces(row) ? { kind: "lookup", row } : undefined;
  }
  if (row.removedFromOutlookAt !== null) return undefined;
  if (row.graphEventId !== null && row.integrationId === integrationId) {
    const inLine = row.syncStatus === "synced" && row.exportedFormationVersion !== null && row.exportedFormationVersion >= row.formation.version;
    return inLine ? undefined : update(row);
  }
  // A row that never reached Outlook is created directly (its transactionId guards the retries); one with traces of
  // an earlier export is looked up first, so a copy Outlook already holds is reused rather than duplicated.
  return { kind: hasExportTraces(row) ? "lookup" : "create", row };
}

/**
 * Persists the Outlook state of rows, all in one statement; the rest of each row (content, tombstone) is not touched.
 * An import that ran while a row did not know its copy took that copy for an event of the user's own: the row it
 * imported is only an echo of the formation, and gives its Outlook id back.
 */
async function saveExportState(db: DatabaseOrTransaction, rows: Iterable<ExportRow>): Promise<void> {
  const records = [...rows].map((row) => ({
    id: row.id,
    integration_id: row.integrationId,
    graph_event_id: row.graphEventId,
    graph_ical_uid: row.graphIcalUid,
    graph_change_key: row.graphChangeKey,
    graph_calendar_id: row.graphCalendarId,
    graph_transaction_id: row.graphTransactionId,
    exported_formation_version: row.exportedFormationVersion,
    sync_status: row.syncStatus,
    sync_error: row.syncError,
    removed_from_outlook_at: row.removedFromOutlookAt,
  }));
  if (records.length === 0) return;
  const incoming = sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(
    id uuid, integration_id uuid, graph_event_id text, graph_ical_uid text, graph_change_key text, graph_calendar_id text,
    graph_transaction_id text, exported_formation_version integer, sync_status event_sync_status, sync_error text,
    removed_from_outlook_at timestamptz
  )`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      delete from ${agendaEvents} as echo using ${incoming}
      where echo.source = 'outlook' and echo.integration_id = v.integration_id and echo.graph_event_id = v.graph_event_id`);
    await tx.execute(sql`
      update ${agendaEvents} set
        integration_id = v.integration_id,
        graph_event_id = v.graph_event_id,
        graph_ical_uid = v.graph_ical_uid,
        graph_change_key = v.graph_change_key,
        graph_calendar_id = v.graph_calendar_id,
        graph_transaction_id = v.graph_transaction_id,
        exported_formation_version = v.exported_formation_version,
        sync_status = v.sync_status,
        sync_error = v.sync_error,
        removed_from_outlook_at = v.removed_from_outlook_at,
        -- A copy just written or found is seen in Outlook: a full import round under way must not take it for gone.
        graph_seen_at = case when v.graph_change_key is distinct from ${agendaEvents}.graph_change_key then now() else ${agendaEvents}.graph_seen_at end
      from ${incoming}
      where ${agendaEvents.id} = v.id`);
  });
}

/** The calendar exports go to: the one the user chose, else the default one. Refuses one that is gone or read-only. */
export async function resolveExportCalendar(run: SyncRun): Promise<string> {
  const chosen = run.integration.exportCalendarId;
  try {
    const calendar = (await run.graph
      .api(chosen ? `/me/calendars/${encodeURIComponent(chosen)}` : "/me/calendar")
      .header("Prefer", PREFER_IMMUTABLE_IDS)
      .select(["id", "canEdit"])
      .get()) as { id?: string; canEdit?: boolean };
    if (!calendar.id || calendar.canEdit === false) throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: chosen ?? "default" });
    return calendar.id;
  } catch (error) {
    if (graphStatusOf(error) === 404) throw new DomainError("OUTLOOK_CALENDAR_UNKNOWN", { id: chosen ?? "default" });
    throw error;
  }
}

async function openSession(run: SyncRun, options: ExportFormationsOptions): Promise<ExportSession> {
  const [owner] = await run.db.select({ locale: users.locale, timeZone: users.timeZone }).from(users).where(eq(users.id, run.integration.userId));
  let calendar: Promise<string> | undefined;
  return {
    run,
    context: { platformUrl: options.platformUrl, locale: owner?.locale ?? "fr", ...(options.addinId ? { addinId: options.addinId } : {}) },
    userTimeZone: owner?.timeZone ?? "UTC",
    calendarId: () => (calendar ??= resolveExportCalendar(run)),
    counts: { created: 0, updated: 0, deleted: 0, failed: 0 },
    respectRemovals: options.respectRemovals ?? true,
  };
}

function lookupUrl(calendarId: string, formationId: string): string {
  const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${FORMATION_ID_PROPERTY}' and ep/value eq '${formationId}')`;
  return `/me/calendars/${encodeURIComponent(calendarId)}/events?$filter=${encodeURIComponent(filter)}&$select=id,iCalUId,changeKey,transactionId`;
}

function eventUrl(graphEventId: string): string {
  return `/me/events/${encodeURIComponent(graphEventId)}`;
}

async function batchItems(session: ExportSession, operations: ExportOperation[]): Promise<Array<BatchItem<ExportOperation>>> {
  const calendarId = operations.some(({ kind }) => kind === "lookup" || kind === "create") ? await session.calendarId() : "";
  return operations.map((operation): BatchItem<ExportOperation> => {
    const { row } = operation;
    switch (operation.kind) {
      case "lookup":
        return { tag: operation, request: { method: "GET", url: lookupUrl(calendarId, row.formation.id) } };
      case "create":
        return {
          tag: operation,
          request: {
            method: "POST",
            url: `/me/calendars/${encodeURIComponent(calendarId)}/events`,
            body: formationToGraphEvent(row.formation, { ...session.context, transactionId: row.graphTransactionId ?? undefined }),
          },
        };
      case "update":
        return {
          tag: operation,
          request: { method: "PATCH", url: eventUrl(row.graphEventId ?? ""), headers: ifMatch(row.graphChangeKey), body: formationToGraphEventChanges(row.formation, session.context) },
        };
      case "reread":
        return { tag: operation, request: { method: "GET", url: eventUrl(row.graphEventId ?? ""), headers: { Prefer: REREAD_PREFER } } };
      case "delete":
        return { tag: operation, request: { method: "DELETE", url: eventUrl(row.graphEventId ?? "") } };
      case "deleteDuplicate":
        return { tag: operation, request: { method: "DELETE", url: eventUrl(operation.graphEventId) } };
    }
  });
}

const isSuccess = (status: number) => status >= 200 && status < 300;
/** Graph's answers to a DELETE of something already gone (403 for cancelled meetings, seen in Odoo). */
const isAlreadyGoneStatus = (status: number) => status === 404 || status === 410 || status === 403;

function describeFailure(response: BatchSubResponse): string {
  const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `${response.status}${error?.code ? ` ${error.code}` : ""}${error?.message ? `: ${error.message}` : ""}`.slice(0, 500);
}

function recordFailure(session: ExportSession, operation: ExportOperation, reason: string, status: "error" | "pending", httpStatus?: number): void {
  const { row } = operation;
  session.run.stats.issues.push({
    message: `${operation.kind} of formation ${row.formation.id}${status === "pending" ? " (will be retried)" : ""}: ${reason}`,
    eventId: row.id,
    ...(row.graphEventId ? { graphEventId: row.graphEventId } : {}),
    ...(httpStatus ? { status: httpStatus } : {}),
  });
  if (operation.kind === "deleteDuplicate") return;
  row.syncStatus = status;
  row.syncError = reason;
  session.counts.failed++;
}

/** The row now knows its Outlook copy (created, updated or found), at the formation version that was sent. */
function recordCopy(session: ExportSession, row: ExportRow, event: GraphEvent, calendarId: string | null, exportedVersion: number | null): void {
  row.integrationId = session.run.integration.id;
  row.graphEventId = event.id ?? row.graphEventId;
  row.graphIcalUid = event.iCalUId ?? row.graphIcalUid;
  row.graphChangeKey = event.changeKey ?? row.graphChangeKey;
  row.graphCalendarId = calendarId;
  row.exportedFormationVersion = exportedVersion;
  row.syncStatus = "synced";
  row.syncError = null;
}

function forgetCopy(row: ExportRow): void {
  Object.assign(row, NO_FORMATION_COPY);
}

/** The user deleted the copy in Outlook: it stays deleted, and the conflict log says so. */
async function recordRemoval(session: ExportSession, row: ExportRow): Promise<void> {
  const { run } = session;
  row.removedFromOutlookAt = new Date();
  const { formation } = row;
  const shown = { ...formation, body: formation.description, isAllDay: false, startDate: null, endDate: null };
  await recordConflict(run.db, {
    ownerId: run.integration.userId,
    integrationId: run.integration.id,
    eventId: row.id,
    formationId: formation.id,
    syncRunId: run.id,
    kind: "formation_removed_in_outlook",
    winner: "outlook",
    platformVersion: eventSnapshot(shown, null),
    outlookVersion: eventSnapshot(shown, null, true),
  });
}

/** A create is about to be sent: its transactionId, persisted before the request, makes retrying it harmless. */
function planCreate(row: ExportRow): ExportOperation {
  row.graphTransactionId ??= randomUUID();
  return { kind: "create", row };
}

/** The copy is gone from Outlook (404 on a write or a read): the user's removal is respected, unless they asked for it. */
async function copyGone(session: ExportSession, row: ExportRow): Promise<ExportOperation[]> {
  forgetCopy(row);
  if (session.respectRemovals) {
    await recordRemoval(session, row);
    return [];
  }
  // Asked for explicitly: put back, with a new transactionId (the old one named the deleted event).
  return [planCreate(row)];
}

/**
 * The copy changed in Outlook since it was last seen (a 412): the conflict rules settle what it shows now, as an
 * import would (an edit of its time, title or place is logged), then the formation is written again over the new
 * changeKey if the copy still differs from it, at most MAX_REWRITES times in a run.
 */
async function settleChangedCopy(session: ExportSession, operation: ConditionalOperation, copy: GraphEvent): Promise<ExportOperation[]> {
  const { run } = session;
  const { row } = operation;
  const seen = await run.db.transaction(async (tx) => {
    const [current] = await tx.select().from(agendaEvents).where(eq(agendaEvents.id, row.id)).for("update");
    if (!current) return undefined;
    const context = { ownerId: current.ownerId, integrationId: run.integration.id, calendarId: current.graphCalendarId ?? "", userTimeZone: session.userTimeZone };
    const mapping = graphEventToAgendaEvent(copy, context);
    if (mapping.kind !== "upsert") return mapping;
    const settled = await settleOutlookChange(tx, { integrationId: run.integration.id, runId: run.id }, current, { kind: "edited", event: mapping.event });
    return { kind: "settled" as const, differs: formationFieldsDiffer(settled.row, mapping.event) };
  });
  if (!seen) return [];
  if (seen.kind === "remove") return copyGone(session, row);
  if (seen.kind === "unmappable") {
    recordFailure(session, operation, `the Outlook copy cannot be read: ${seen.reason}`, "error");
    return [];
  }
  row.graphChangeKey = copy.changeKey ?? row.graphChangeKey;
  const versionSent = row.exportedFormationVersion !== null && row.exportedFormationVersion >= row.formation.version;
  if (!seen.differs && versionSent) {
    row.syncStatus = "synced";
    row.syncError = null;
    return [];
  }
  if (operation.rewrites >= MAX_REWRITES) {
    recordFailure(session, operation, "the Outlook copy kept changing while it was written", "pending", 412);
    return [];
  }
  return [update(row, operation.rewrites + 1)];
}

/** Applies Outlook's final answer to a row; returns what the row needs next. */
async function applyOutcome(session: ExportSession, operation: ExportOperation, response: BatchSubResponse, retriesExhausted: boolean): Promise<ExportOperation[]> {
  if (retriesExhausted) {
    recordFailure(session, operation, describeFailure(response), "pending", response.status);
    return [];
  }
  const { row } = operation;
  const { status } = response;
  const event = (response.body ?? {}) as GraphEvent;
  switch (operation.kind) {
    case "lookup": {
      if (!isSuccess(status)) break;
      const [copy, ...duplicates] = ((response.body as { value?: GraphEvent[] } | undefined)?.value ?? []).filter(({ id }) => id);
      const next: ExportOperation[] = duplicates.map(({ id }) => ({ kind: "deleteDuplicate", row, graphEventId: id ?? "" }));
      if (copy) {
        // The version the copy shows is unknown: a wanted one is rewritten with the current formation. Its
        // transactionId is kept as a trace of the export, should its id be lost again.
        recordCopy(session, row, copy, await session.calendarId(), null);
        row.graphTransactionId = copy.transactionId ?? row.graphTransactionId;
        next.push(row.wanted ? update(row) : { kind: "delete", row });
      } else if (row.wanted) {
        next.push(planCreate(row));
      } else {
        forgetCopy(row);
      }
      return next;
    }
    case "create":
      if (!isSuccess(status)) {
        // Outlook refused the create outright, so nothing was made: the next attempt needs no lookup.
        row.graphTransactionId = null;
        break;
      }
      recordCopy(session, row, event, await session.calendarId(), row.formation.version);
      session.counts.created++;
      return [];
    case "update":
      if (status === 404 || status === 410) return copyGone(session, row);
      if (status === 412) return [{ kind: "reread", row, rewrites: operation.rewrites }];
      if (!isSuccess(status)) break;
      recordCopy(session, row, event, row.graphCalendarId, row.formation.version);
      session.counts.updated++;
      return [];
    case "delete":
      if (!isSuccess(status) && !isAlreadyGoneStatus(status)) break;
      forgetCopy(row);
      session.counts.deleted++;
      return [];
    case "reread":
      if (status === 404 || status === 410) return copyGone(session, row);
      if (!isSuccess(status)) break;
      return settleChangedCopy(session, operation, event);
    case "deleteDuplicate":
      if (!isSuccess(status) && !isAlreadyGoneStatus(status)) break;
      session.counts.deleted++;
      return [];
  }
  recordFailure(session, operation, describeFailure(response), "error", status);
  return [];
}

/**
 * Whether the integration may find copies in Outlook that no row knows of, so creates must look first: on its first
 * export (or the first after a reconnection, which forgets the ids), when the calendar already holds events of the
 * Formation category. A fresh calendar, the common case, costs one request and no lookups.
 */
async function mayHoldUnknownCopies(session: ExportSession): Promise<boolean> {
  const { run } = session;
  const [known] = await run.db
    .select({ id: agendaEvents.id })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, run.integration.userId), eq(agendaEvents.source, "formation"), eq(agendaEvents.integrationId, run.integration.id)))
    .limit(1);
  if (known) return false;
  const tagged = (await run.graph
    .api(`/me/calendars/${encodeURIComponent(await session.calendarId())}/events`)
    .header("Prefer", PREFER_IMMUTABLE_IDS)
    .filter(`categories/any(c: c eq '${FORMATION_CATEGORY}')`)
    .select(["id"])
    .top(1)
    .get()) as { value?: unknown[] };
  return (tagged.value?.length ?? 0) > 0;
}

/** What the rows need, creates turned into lookups when Outlook may already hold copies of them. */
async function plannedOperations(session: ExportSession, rows: ExportRow[], include: (operation: ExportOperation) => boolean): Promise<ExportOperation[]> {
  const operations = rows
    .map((row) => plannedOperation(row, session.run.integration.id))
    .filter((operation): operation is ExportOperation => operation !== undefined && include(operation));
  if (!operations.some(({ kind }) => kind === "create") || !(await mayHoldUnknownCopies(session))) return operations;
  return operations.map((operation) => (operation.kind === "create" ? { kind: "lookup", row: operation.row } : operation));
}

/** Runs the operations through `$batch`, persisting each batch's outcome (and every create intent) as it goes. */
async function runOperations(session: ExportSession, operations: ExportOperation[], retry: Partial<BatchRetrySettings> | undefined): Promise<void> {
  const { run } = session;
  if (operations.length === 0) return;
  const creates = operations.filter(({ kind }) => kind === "create").map(({ row }) => row);
  for (const row of creates) planCreate(row);
  await saveExportState(run.db, creates);

  const counts = { ...session.counts };
  const stats = await sendInBatches(
    run.graph,
    await batchItems(session, operations),
    async (settled) => {
      const next: ExportOperation[] = [];
      for (const { tag, response, retriesExhausted } of settled) next.push(...(await applyOutcome(session, tag, response, retriesExhausted)));
      await saveExportState(run.db, new Set(settled.map(({ tag }) => tag.row)));
      return batchItems(session, next);
    },
    retry,
  );
  run.stats.created += session.counts.created - counts.created;
  run.stats.updated += session.counts.updated - counts.updated;
  run.stats.deleted += session.counts.deleted - counts.deleted;
  // The client counted the batch envelopes; Outlook counts (and throttles) each request inside them.
  run.stats.requests += stats.subRequests;
  run.stats.throttled += stats.throttled;
}

/**
 * Brings the integration's Outlook calendar in line with the user's formation rows: creates the missing copies,
 * rewrites those of changed formations, deletes those of cancelled formations and unenrolments. With export turned
 * off, only the deletions run: copies this product put in Outlook do not outlive their formation.
 */
export async function exportFormations(run: SyncRun, options: ExportFormationsOptions): Promise<ExportCounts> {
  const session = await openSession(run, options);
  const rows = await loadExportRows(run, needsExport(run.integration.id));
  const operations = await plannedOperations(session, rows, ({ row }) => run.integration.exportEnabled || !row.wanted);
  await runOperations(session, operations, options.retry);
  return session.counts;
}

async function readOutlookEvent(run: SyncRun, graphEventId: string): Promise<ExportedOutlookEvent> {
  const event = (await run.graph.api(eventUrl(graphEventId)).header("Prefer", PREFER_IMMUTABLE_IDS).select(["id", "webLink", "subject", "start", "end"]).get()) as GraphEvent;
  return {
    id: event.id ?? graphEventId,
    webLink: httpsUrlOrNull(event.webLink),
    subject: event.subject ?? "",
    start: event.start ?? {},
    end: event.end ?? {},
  };
}

/**
 * The spec's "export this formation to Outlook" for the integration's user: makes sure Outlook holds an up-to-date
 * copy (the same rules as `exportFormations`, so calling it twice never makes two events) and returns it. An explicit
 * request, so it works with automatic export turned off. Refuses a formation the user does not take part in, or one
 * that is cancelled.
 */
export async function exportFormation(run: SyncRun, formationId: string, options: ExportFormationsOptions): Promise<ExportedOutlookEvent> {
  const { db, integration } = run;
  const [formation] = await db.select().from(formations).where(eq(formations.id, formationId));
  if (!formation) throw new DomainError("FORMATION_NOT_FOUND", { id: formationId });
  const [enrolment] = await db
    .select({ userId: enrollments.userId })
    .from(enrollments)
    .where(and(eq(enrollments.formationId, formationId), eq(enrollments.userId, integration.userId)));
  if (!enrolment && formation.trainerId !== integration.userId) throw new DomainError("FORMATION_NOT_EXPORTABLE", { id: formationId, reason: "notParticipant" });
  if (formation.status !== "scheduled") throw new DomainError("FORMATION_NOT_EXPORTABLE", { id: formationId, reason: "cancelled" });

  const loadRow = async () => (await loadExportRows(run, eq(agendaEvents.formationId, formationId)))[0];
  let row = await loadRow();
  if (!row?.wanted) {
    // A participant of a scheduled formation always has a live row; repair the agenda if it lags behind.
    await alignFormationEvents(db, formation);
    row = await loadRow();
  }
  if (!row) throw new Error(`formation ${formationId} has no agenda row for user ${integration.userId}`);
  if (row.removedFromOutlookAt !== null) {
    // "Add again": the user takes back their deletion, which answers its conflict.
    row.removedFromOutlookAt = null;
    await saveExportState(db, [row]);
    await reviewFormationRemovals(db, integration.userId, row.id);
  }
  const session = await openSession(run, { ...options, respectRemovals: false });
  for (let attempt = 1; ; attempt++) {
    await runOperations(session, await plannedOperations(session, [row], () => true), options.retry);
    const exported = await loadRow();
    if (!exported?.graphEventId || exported.syncStatus === "pending") throw new DomainError("OUTLOOK_UNAVAILABLE");
    if (exported.syncStatus === "error") throw new DomainError("OUTLOOK_EXPORT_FAILED", { reason: exported.syncError ?? "" });
    try {
      return await readOutlookEvent(run, exported.graphEventId);
    } catch (error) {
      // The copy was deleted in Outlook since the last export: the user asks for it, so it is made again, once.
      if (graphStatusOf(error) !== 404 || attempt > 1) throw error;
      forgetCopy(exported);
      await saveExportState(db, [exported]);
      row = exported;
    }
  }
}
