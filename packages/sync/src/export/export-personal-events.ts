import { randomUUID } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, users } from "@agenda/db/schema";
import type { Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import { and, eq, gt, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { graphEventToAgendaEvent } from "../import/graph-event-mapping";
import { hasPendingEdit, settleOutlookChange, type AgendaEventRow, type OutlookChange } from "../import/outlook-changes";
import { AGENDA_EVENT_ID_PROPERTY } from "../outlook-event-tags";
import type { SyncRun } from "../sync-run";
import { resolveExportCalendar, type ExportCounts, type IntegrationKey } from "./export-formations";
import { ifMatch, MAX_REWRITES, REREAD_PREFER, sendInBatches, type BatchItem, type BatchRetrySettings, type BatchSubResponse } from "./graph-batch";
import { personalEventToGraphEvent, personalEventToGraphEventChanges } from "./personal-event-mapping";

export interface ExportPersonalEventsOptions {
  retry?: Partial<BatchRetrySettings>;
}

/**
 * What a row needs from Outlook. `sentVersion` is the row version the request carries: Outlook reflects it once the
 * request succeeds, whatever the platform did meanwhile. `reread` fetches the copy after a 412 or before settling;
 * `lookup` searches the copy by its agenda-id property when a create may have been made without its answer.
 */
interface Operation {
  kind: "create" | "update" | "delete" | "lookup" | "reread";
  row: AgendaEventRow;
  sentVersion: number;
  /** Rewrites after a 412 so far: a copy that keeps changing under our feet is left for the next run. */
  rewrites: number;
}

interface Session {
  run: SyncRun;
  userTimeZone: string;
  calendarId: () => Promise<string>;
  counts: ExportCounts;
}

const isSuccess = (status: number) => status >= 200 && status < 300;
const isAlreadyGoneStatus = (status: number) => status === 404 || status === 410 || status === 403;
const isGoneStatus = (status: number) => status === 404 || status === 410;

/**
 * Personal rows with an edit Outlook does not have: platform events of the user (this mailbox's, or never exported),
 * and this mailbox's Outlook events edited or deleted in the platform.
 */
function pendingRowsOf(integration: IntegrationKey): SQL | undefined {
  return and(
    eq(agendaEvents.ownerId, integration.userId),
    inArray(agendaEvents.source, ["platform", "outlook"]),
    or(isNull(agendaEvents.outlookVersion), gt(agendaEvents.version, agendaEvents.outlookVersion)),
    or(eq(agendaEvents.integrationId, integration.id), and(eq(agendaEvents.source, "platform"), isNull(agendaEvents.integrationId))),
  );
}

async function loadPendingRows(run: SyncRun): Promise<AgendaEventRow[]> {
  return run.db.select().from(agendaEvents).where(pendingRowsOf(run.integration));
}

/** The personal rows an export of the integration would send, as a subquery (for `exists`). */
export function personalEventsToExport(db: DatabaseOrTransaction, integration: IntegrationKey) {
  return db.select({ id: agendaEvents.id }).from(agendaEvents).where(pendingRowsOf(integration));
}

function operation(kind: Operation["kind"], row: AgendaEventRow, rewrites = 0): Operation {
  return { kind, row, sentVersion: row.version, rewrites };
}

/** Outlook is in line with a row whose change needs no request (deleted before it ever reached Outlook). */
async function markInLine(session: Session, row: AgendaEventRow, sentVersion: number): Promise<void> {
  await session.run.db
    .update(agendaEvents)
    .set({ outlookVersion: sql`greatest(coalesce(${agendaEvents.outlookVersion}, 0), ${sentVersion}::int)`, syncStatus: "synced", syncError: null })
    .where(eq(agendaEvents.id, row.id));
}

/** A create is about to be sent: the calendar and transactionId are saved first, so a lost answer is found again. */
async function planCreate(session: Session, row: AgendaEventRow, rewrites = 0): Promise<Operation> {
  const graphCalendarId = row.graphCalendarId ?? (await session.calendarId());
  const [saved] = await session.run.db
    .update(agendaEvents)
    .set({ integrationId: session.run.integration.id, graphCalendarId, graphTransactionId: row.graphTransactionId ?? randomUUID() })
    .where(eq(agendaEvents.id, row.id))
    .returning();
  return operation("create", saved ?? row, rewrites);
}

/** What a row needs next, given its state in the database. */
async function nextOperation(session: Session, row: AgendaEventRow, rewrites = 0): Promise<Operation | undefined> {
  if (!hasPendingEdit(row)) return undefined;
  if (row.deletedAt !== null) {
    if (row.graphEventId !== null) return operation("delete", row, rewrites);
    if (row.graphTransactionId !== null) return operation("lookup", row, rewrites);
    await markInLine(session, row, row.version);
    return undefined;
  }
  if (row.graphEventId !== null) return operation("update", row, rewrites);
  if (row.graphTransactionId !== null) return operation("lookup", row, rewrites);
  // Platform events reach Outlook only while export is on; an Outlook event edited here goes back to it anyway.
  if (row.source === "platform" && !session.run.integration.exportEnabled) return undefined;
  return planCreate(session, row, rewrites);
}

const eventUrl = (graphEventId: string | null) => `/me/events/${encodeURIComponent(graphEventId ?? "")}`;

function lookupUrl(calendarId: string, rowId: string): string {
  const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${AGENDA_EVENT_ID_PROPERTY}' and ep/value eq '${rowId}')`;
  return `/me/calendars/${encodeURIComponent(calendarId)}/events?$filter=${encodeURIComponent(filter)}&$select=id,iCalUId,changeKey`;
}

async function batchItem(session: Session, op: Operation): Promise<BatchItem<Operation>> {
  const { row } = op;
  switch (op.kind) {
    case "create":
      return {
        tag: op,
        request: {
          method: "POST",
          url: `/me/calendars/${encodeURIComponent(row.graphCalendarId ?? "")}/events`,
          body: personalEventToGraphEvent(row, row.graphTransactionId ?? ""),
        },
      };
    case "update":
      return { tag: op, request: { method: "PATCH", url: eventUrl(row.graphEventId), headers: ifMatch(row.graphChangeKey), body: personalEventToGraphEventChanges(row) } };
    case "delete":
      return { tag: op, request: { method: "DELETE", url: eventUrl(row.graphEventId), headers: ifMatch(row.graphChangeKey) } };
    case "reread":
      return { tag: op, request: { method: "GET", url: eventUrl(row.graphEventId), headers: { Prefer: REREAD_PREFER } } };
    case "lookup":
      return { tag: op, request: { method: "GET", url: lookupUrl(row.graphCalendarId ?? (await session.calendarId()), row.id) } };
  }
}

function describeFailure(response: BatchSubResponse): string {
  const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `${response.status}${error?.code ? ` ${error.code}` : ""}${error?.message ? `: ${error.message}` : ""}`.slice(0, 500);
}

async function recordFailure(session: Session, op: Operation, reason: string, status: "error" | "pending", httpStatus?: number): Promise<void> {
  const { row } = op;
  session.run.stats.issues.push({
    message: `${op.kind} of agenda event ${row.id}${status === "pending" ? " (will be retried)" : ""}: ${reason}`,
    eventId: row.id,
    ...(row.graphEventId ? { graphEventId: row.graphEventId } : {}),
    ...(httpStatus ? { status: httpStatus } : {}),
  });
  await session.run.db
    .update(agendaEvents)
    .set({
      syncStatus: status,
      syncError: reason,
      // A create Outlook refused made nothing: the next one needs no lookup.
      ...(op.kind === "create" && status === "error" ? { graphTransactionId: null } : {}),
    })
    .where(eq(agendaEvents.id, row.id));
  session.counts.failed++;
}

/**
 * Outlook holds the row at `sentVersion` now: its copy's ids and changeKey are kept for the next write's If-Match,
 * and the body as synced (written, or left as it was: the one synced before, or unknown and taken as in line).
 */
async function recordCopy(session: Session, op: Operation, event: GraphEvent): Promise<void> {
  const modified = event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime) : null;
  await session.run.db
    .update(agendaEvents)
    .set({
      integrationId: session.run.integration.id,
      graphEventId: event.id ?? op.row.graphEventId,
      graphIcalUid: event.iCalUId ?? op.row.graphIcalUid,
      graphChangeKey: event.changeKey ?? op.row.graphChangeKey,
      outlookBody: op.row.body,
      remoteModifiedAt: modified && !Number.isNaN(modified.getTime()) ? modified : op.row.remoteModifiedAt,
      graphSeenAt: sql`now()`,
      outlookVersion: sql`greatest(coalesce(${agendaEvents.outlookVersion}, 0), ${op.sentVersion}::int)`,
      syncStatus: "synced",
      syncError: null,
    })
    .where(eq(agendaEvents.id, op.row.id));
}

/** Applies the conflict rules to what Outlook now holds, then returns what the row needs next. */
async function settle(session: Session, op: Operation, change: (row: AgendaEventRow) => OutlookChange | undefined): Promise<Operation | undefined> {
  const { run } = session;
  const settled = await run.db.transaction(async (tx) => {
    const [row] = await tx.select().from(agendaEvents).where(eq(agendaEvents.id, op.row.id)).for("update");
    if (!row) return undefined;
    const seen = change(row);
    return seen ? (await settleOutlookChange(tx, { integrationId: run.integration.id, runId: run.id }, row, seen)).row : row;
  });
  if (!settled) return undefined;
  if (op.rewrites >= MAX_REWRITES && hasPendingEdit(settled)) {
    await recordFailure(session, op, "the Outlook copy kept changing while it was written", "pending", 412);
    return undefined;
  }
  return nextOperation(session, settled, op.rewrites + 1);
}

/** The copy as the import would read it, or its removal (deleted, cancelled). */
function changeFromCopy(session: Session, event: GraphEvent): (row: AgendaEventRow) => OutlookChange | undefined {
  return (row) => {
    const mapping = graphEventToAgendaEvent(event, {
      ownerId: row.ownerId,
      integrationId: session.run.integration.id,
      calendarId: row.graphCalendarId ?? "",
      userTimeZone: session.userTimeZone,
    });
    if (mapping.kind === "upsert") return { kind: "edited", event: mapping.event };
    return mapping.kind === "remove" ? { kind: "removed" } : undefined;
  };
}

/** Applies Outlook's final answer to one request; returns what the row needs next. */
async function applyOutcome(session: Session, op: Operation, response: BatchSubResponse, retriesExhausted: boolean): Promise<Operation | undefined> {
  const { status } = response;
  if (retriesExhausted) {
    await recordFailure(session, op, describeFailure(response), "pending", status);
    return undefined;
  }
  const event = (response.body ?? {}) as GraphEvent;
  switch (op.kind) {
    case "create":
    case "update":
      if (isSuccess(status)) {
        await recordCopy(session, op, event);
        session.counts[op.kind === "create" ? "created" : "updated"]++;
        return undefined;
      }
      if (op.kind === "update" && status === 412) return operation("reread", op.row, op.rewrites);
      if (op.kind === "update" && isGoneStatus(status)) return settle(session, op, () => ({ kind: "removed" }));
      break;
    case "delete":
      if (isSuccess(status) || isAlreadyGoneStatus(status)) {
        await markInLine(session, op.row, op.sentVersion);
        session.counts.deleted++;
        return undefined;
      }
      if (status === 412) return operation("reread", op.row, op.rewrites);
      break;
    case "reread":
      if (isSuccess(status)) return settle(session, op, changeFromCopy(session, event));
      if (isGoneStatus(status)) return settle(session, op, () => ({ kind: "removed" }));
      break;
    case "lookup": {
      if (!isSuccess(status)) break;
      const [copy] = ((response.body as { value?: GraphEvent[] } | undefined)?.value ?? []).filter(({ id }) => id);
      if (copy) {
        // The create was made, its answer lost: the row takes the copy, then writes (or deletes) it as it is now. An
        // import that met the copy first took it for an Outlook event of the user's: that row was only an echo.
        const integrationId = session.run.integration.id;
        const [row] = await session.run.db.transaction(async (tx) => {
          await tx
            .delete(agendaEvents)
            .where(and(eq(agendaEvents.integrationId, integrationId), eq(agendaEvents.graphEventId, copy.id ?? ""), eq(agendaEvents.source, "outlook")));
          return tx
            .update(agendaEvents)
            .set({ integrationId, graphEventId: copy.id, graphIcalUid: copy.iCalUId ?? null, graphChangeKey: copy.changeKey ?? null, graphSeenAt: sql`now()` })
            .where(eq(agendaEvents.id, op.row.id))
            .returning();
        });
        return row ? operation(row.deletedAt === null ? "update" : "delete", row, op.rewrites) : undefined;
      }
      const [row] = await session.run.db.update(agendaEvents).set({ graphTransactionId: null }).where(eq(agendaEvents.id, op.row.id)).returning();
      return row ? nextOperation(session, row, op.rewrites) : undefined;
    }
  }
  await recordFailure(session, op, describeFailure(response), "error", status);
  return undefined;
}

/**
 * Brings Outlook in line with the user's personal events: creates platform events in the export calendar, writes
 * platform edits and deletions of them and of Outlook events back to their copy, each write conditioned on the last
 * changeKey seen (If-Match). A copy changed in Outlook meanwhile (412) is read again and the conflict rules decide;
 * one deleted there (404) too. Sends nothing when nothing is pending.
 */
export async function exportPersonalEvents(run: SyncRun, options: ExportPersonalEventsOptions = {}): Promise<ExportCounts> {
  const [owner] = await run.db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, run.integration.userId));
  let calendar: Promise<string> | undefined;
  const session: Session = {
    run,
    userTimeZone: owner?.timeZone ?? "UTC",
    calendarId: () => (calendar ??= resolveExportCalendar(run)),
    counts: { created: 0, updated: 0, deleted: 0, failed: 0 },
  };
  const operations: Operation[] = [];
  for (const row of await loadPendingRows(run)) {
    const next = await nextOperation(session, row);
    if (next) operations.push(next);
  }
  if (operations.length === 0) return session.counts;

  const items = await Promise.all(operations.map((op) => batchItem(session, op)));
  const stats = await sendInBatches(
    run.graph,
    items,
    async (settled) => {
      const next: Array<BatchItem<Operation>> = [];
      for (const { tag, response, retriesExhausted } of settled) {
        const follow = await applyOutcome(session, tag, response, retriesExhausted);
        if (follow) next.push(await batchItem(session, follow));
      }
      return next;
    },
    options.retry,
  );
  run.stats.created += session.counts.created;
  run.stats.updated += session.counts.updated;
  run.stats.deleted += session.counts.deleted;
  // The client counted the batch envelopes; Outlook counts (and throttles) each request inside them.
  run.stats.requests += stats.subRequests;
  run.stats.throttled += stats.throttled;
  return session.counts;
}
