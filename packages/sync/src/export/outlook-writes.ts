import { randomUUID } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, users } from "@agenda/db/schema";
import { isAlreadyGoneStatus, isGoneStatus } from "@agenda/graph/graph-client";
import type { Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import { eq, sql } from "drizzle-orm";
import { graphEventToAgendaEvent, type ImportedAgendaEvent } from "../reconcile/graph-event-mapping";
import { applyOutlookChange, type AgendaEventRow, type OutlookChange } from "../reconcile/outlook-changes";
import type { SyncRun } from "../runs/sync-run";
import { exportCalendarOf } from "./export-calendar";
import {
  PREFER_IMMUTABLE_IDS,
  sendInBatches,
  type AnsweredRequest,
  type BatchItem,
  type BatchRetrySettings,
  type BatchSubRequest,
  type BatchSubResponse,
} from "./graph-batch";

/**
 * The one way the export writes to Outlook. A write is one request about one agenda row's Outlook copy: create,
 * update or delete it, delete a duplicate of it, read it again after a 412, or look it up by the row's tag when its id
 * was lost. The engine builds each write's Graph request, sends them through `$batch`, classifies Graph's answers,
 * applies the conflict rules when the copy changed or vanished under it, records failures and counts, and saves the
 * rows whose Outlook state changed once per batch, in one statement. Formations and personal events differ only in
 * what their `WriteTarget` says: which write a row needs, what a write sends, and what a row records of an outcome.
 */

export type WriteKind = "create" | "update" | "delete" | "deleteDuplicate" | "reread" | "lookup";

/** The writes a target's rule asks for; the others follow from Outlook's answers. */
export type PlannedWrite = Extract<WriteKind, "create" | "update" | "delete" | "lookup">;

/** An agenda row's Outlook state: the columns writes change (the rest of the row is the platform's). */
export type CopyState = Pick<
  AgendaEventRow,
  | "id"
  | "integrationId"
  | "graphEventId"
  | "graphIcalUid"
  | "graphChangeKey"
  | "graphCalendarId"
  | "graphTransactionId"
  | "exportedFormationVersion"
  | "outlookVersion"
  | "outlookBody"
  | "remoteModifiedAt"
  | "syncStatus"
  | "syncError"
  | "removedFromOutlookAt"
  | "strayGraphEventIds"
>;

export interface ExportCounts {
  created: number;
  updated: number;
  deleted: number;
  /** Rows left in error (Outlook refused them) or pending (still failing when retries ran out). */
  failed: number;
}

/** What one kind of agenda row (formations, personal events) makes of the engine. */
export interface WriteTarget<Row extends CopyState> {
  /** How the run's issues name the row: `formation <id>`, `agenda event <id>`. */
  describe(row: Row): string;
  /** The write the row needs for Outlook to be in line with it, if any: the kind's export rule. */
  plannedWrite(row: Row): PlannedWrite | undefined;
  /** The version a write sends (the formation's, or the row's own), which Outlook reflects once it succeeds. */
  versionOf(row: Row): number;
  createBody(row: Row, transactionId: string): GraphEvent;
  updateBody(row: Row): GraphEvent;
  /** The single-value extended property a copy carries, and its value for the row: what a lookup searches by. */
  tag(row: Row): { property: string; value: string };
  /** Whether a delete waits for the copy to be as last seen (If-Match): a copy edited in Outlook meanwhile is settled first. */
  conditionalDelete: boolean;
  /** Outlook holds the row at `version` now: what the row records besides the copy's ids. */
  recordWritten(row: Row, version: number, event: GraphEvent): void;
  /** The copy is deleted, or the row was deleted before it ever had one. */
  recordDeleted(row: Row, version: number): void;
  /** No copy is there, nor a create in flight: what the row forgets. */
  forgetCopy(row: Row): void;
  /**
   * Whether the copies the row left elsewhere (`strayGraphEventIds`) may be deleted now that it needs no write: not
   * while a move waits for its new copy (a move with export turned off meanwhile keeps the old one).
   */
  straysMayGo(row: Row): boolean;
  /** After a 412 and the conflict rules: whether the copy read back already shows what the row holds. */
  copyShowsRow(settled: AgendaEventRow, copy: ImportedAgendaEvent): boolean;
}

export interface WriteOptions {
  retry?: Partial<BatchRetrySettings> | undefined;
  /**
   * A copy found deleted when it is written was removed by the user: the conflict rules apply (README, "Conflict
   * rules"). Unless the user asked for this very row (`exportFormation`): then it is made again.
   */
  respectRemovals: boolean;
}

interface Write<Row> {
  kind: WriteKind;
  row: Row;
  /** What `versionOf` said when the write was planned: Outlook reflects it once the write succeeds. */
  version: number;
  /** Writes sent again after a 412 so far. */
  rewrites: number;
  /** The duplicate a `deleteDuplicate` removes. */
  graphEventId?: string;
  /** The calendar a create goes to or a lookup searches. */
  calendarId?: string;
}

/** Rewrites of one copy after a 412 within one run: a copy that keeps changing under our feet is left for the next run. */
export const MAX_REWRITES = 3;

/** Times in UTC and the body as text, as the import reads events: a copy read back after a 412 compares with its row. */
const REREAD_PREFER = `outlook.timezone="UTC", outlook.body-content-type="text", ${PREFER_IMMUTABLE_IDS}`;

const eventPath = (graphEventId: string | null | undefined) => `/me/events/${encodeURIComponent(graphEventId ?? "")}`;
const calendarEventsPath = (calendarId: string | undefined) =>
  `/me/calendars/${encodeURIComponent(calendarId ?? "")}/events`;

/** A write conditioned on the copy being as last seen: Outlook answers 412 when it changed since. */
function ifMatch(changeKey: string | null): Record<string, string> {
  return changeKey ? { "If-Match": `W/"${changeKey}"` } : {};
}

/** The Graph request of each kind of write. */
function graphRequest<Row extends CopyState>(target: WriteTarget<Row>, write: Write<Row>): BatchSubRequest {
  const { row } = write;
  switch (write.kind) {
    case "create":
      return {
        method: "POST",
        url: calendarEventsPath(write.calendarId),
        body: target.createBody(row, row.graphTransactionId ?? ""),
      };
    case "update":
      return {
        method: "PATCH",
        url: eventPath(row.graphEventId),
        headers: ifMatch(row.graphChangeKey),
        body: target.updateBody(row),
      };
    case "delete":
      return {
        method: "DELETE",
        url: eventPath(row.graphEventId),
        headers: target.conditionalDelete ? ifMatch(row.graphChangeKey) : {},
      };
    case "deleteDuplicate":
      return { method: "DELETE", url: eventPath(write.graphEventId) };
    case "reread":
      return { method: "GET", url: eventPath(row.graphEventId), headers: { Prefer: REREAD_PREFER } };
    case "lookup": {
      const { property, value } = target.tag(row);
      const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${property}' and ep/value eq '${value}')`;
      return {
        method: "GET",
        url: `${calendarEventsPath(write.calendarId)}?$filter=${encodeURIComponent(filter)}&$select=id,iCalUId,changeKey,transactionId`,
      };
    }
  }
}

/** What Graph's final answer to a write means. */
type Outcome = "done" | "gone" | "changed" | "refused" | "retryLater";

function outcomeOf(kind: WriteKind, { status }: BatchSubResponse, retriesExhausted: boolean): Outcome {
  if (retriesExhausted) return "retryLater";
  if (status >= 200 && status < 300) return "done";
  if (status === 412 && (kind === "update" || kind === "delete")) return "changed";
  const deleting = kind === "delete" || kind === "deleteDuplicate";
  return (deleting ? isAlreadyGoneStatus(status) : isGoneStatus(status) && kind !== "create" && kind !== "lookup")
    ? "gone"
    : "refused";
}

function describeFailure(response: BatchSubResponse): string {
  const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `${response.status}${error?.code ? ` ${error.code}` : ""}${error?.message ? `: ${error.message}` : ""}`.slice(
    0,
    500,
  );
}

/**
 * Saves the Outlook state of rows, all in one statement; the rest of each row (content, tombstone) is not touched.
 * An import that ran while a row did not know its copy took that copy for an event of the user's own: the row it
 * imported is only an echo, and gives its Outlook id back.
 */
export async function saveOutlookStates(db: DatabaseOrTransaction, rows: Iterable<CopyState>): Promise<void> {
  const records = [...rows].map((row) => ({
    id: row.id,
    integration_id: row.integrationId,
    graph_event_id: row.graphEventId,
    graph_ical_uid: row.graphIcalUid,
    graph_change_key: row.graphChangeKey,
    graph_calendar_id: row.graphCalendarId,
    graph_transaction_id: row.graphTransactionId,
    exported_formation_version: row.exportedFormationVersion,
    outlook_version: row.outlookVersion,
    outlook_body: row.outlookBody,
    remote_modified_at: row.remoteModifiedAt,
    sync_status: row.syncStatus,
    sync_error: row.syncError,
    removed_from_outlook_at: row.removedFromOutlookAt,
    stray_graph_event_ids: row.strayGraphEventIds,
  }));
  if (records.length === 0) return;
  const incoming = sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(
    id uuid, integration_id uuid, graph_event_id text, graph_ical_uid text, graph_change_key text, graph_calendar_id text,
    graph_transaction_id text, exported_formation_version integer, outlook_version integer, outlook_body text,
    remote_modified_at timestamptz, sync_status event_sync_status, sync_error text, removed_from_outlook_at timestamptz,
    stray_graph_event_ids text[]
  )`;
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      delete from ${agendaEvents} as echo using ${incoming}
      where echo.source = 'outlook' and echo.id <> v.id and echo.integration_id = v.integration_id and echo.graph_event_id = v.graph_event_id`);
    await tx.execute(sql`
      update ${agendaEvents} set
        integration_id = v.integration_id,
        graph_event_id = v.graph_event_id,
        graph_ical_uid = v.graph_ical_uid,
        graph_change_key = v.graph_change_key,
        graph_calendar_id = v.graph_calendar_id,
        graph_transaction_id = v.graph_transaction_id,
        exported_formation_version = v.exported_formation_version,
        -- A platform edit saved while its write was in flight stays ahead of what Outlook reflects.
        outlook_version = case when v.outlook_version is null then ${agendaEvents}.outlook_version
          else greatest(coalesce(${agendaEvents}.outlook_version, 0), v.outlook_version) end,
        outlook_body = v.outlook_body,
        remote_modified_at = v.remote_modified_at,
        sync_status = v.sync_status,
        sync_error = v.sync_error,
        removed_from_outlook_at = v.removed_from_outlook_at,
        stray_graph_event_ids = v.stray_graph_event_ids,
        -- A copy just written or found is seen in Outlook: a full import round under way must not take it for gone.
        graph_seen_at = case when v.graph_change_key is distinct from ${agendaEvents}.graph_change_key then now() else ${agendaEvents}.graph_seen_at end
      from ${incoming}
      where ${agendaEvents.id} = v.id`);
  });
}

/** One run of writes for one target: what it learnt so far, and what it counted. */
class Writer<Row extends CopyState> {
  readonly counts: ExportCounts = { created: 0, updated: 0, deleted: 0, failed: 0 };
  /** Rows whose Outlook state changed since the last save. */
  readonly #unsaved = new Set<Row>();
  #userTimeZone: Promise<string> | undefined;

  constructor(
    private readonly run: SyncRun,
    private readonly target: WriteTarget<Row>,
    private readonly options: WriteOptions,
  ) {}

  /** Writes what the rows need, persisting each batch's outcome (and every create intent) as it goes. */
  async write(rows: Row[]): Promise<ExportCounts> {
    const planned = rows.flatMap((row) => this.#next(row, 0));
    if (planned.length === 0) {
      await this.#save();
      return this.counts;
    }
    const items = await this.#batchItems(planned);
    // Create intents (their transactionIds) are saved before anything is sent: a lost answer is found again.
    await this.#save();
    const stats = await sendInBatches(
      this.run.graph,
      items,
      (answered) => this.#onAnswered(answered),
      this.options.retry,
    );
    // The client counted the batch envelopes; Outlook counts (and throttles) each request inside them.
    this.run.stats.requests += stats.subRequests;
    this.run.stats.throttled += stats.throttled;
    for (const key of ["created", "updated", "deleted", "failed"] as const) this.run.stats[key] += this.counts[key];
    return this.counts;
  }

  #write(kind: WriteKind, row: Row, rewrites: number): Write<Row> {
    return { kind, row, version: this.target.versionOf(row), rewrites };
  }

  /**
   * The batch items of writes. A create gets its calendar and transactionId now, kept on the row; a delete of a row
   * that never had a copy is done at once.
   */
  async #batchItems(writes: Array<Write<Row>>): Promise<Array<BatchItem<Write<Row>>>> {
    const items: Array<BatchItem<Write<Row>>> = [];
    for (const write of writes) {
      const { row } = write;
      if (write.kind === "delete" && row.graphEventId === null) {
        this.target.recordDeleted(row, write.version);
        this.#unsaved.add(row);
        continue;
      }
      if (write.kind === "create" || write.kind === "lookup")
        write.calendarId = row.graphCalendarId ?? (await exportCalendarOf(this.run));
      if (write.kind === "create") {
        row.integrationId = this.run.integration.id;
        row.graphCalendarId = write.calendarId ?? null;
        row.graphTransactionId ??= randomUUID();
        this.#unsaved.add(row);
      }
      items.push({ tag: write, request: graphRequest(this.target, write) });
    }
    return items;
  }

  async #onAnswered(answered: Array<AnsweredRequest<Write<Row>>>): Promise<Array<BatchItem<Write<Row>>>> {
    const next: Array<Write<Row>> = [];
    for (const { tag, response, retriesExhausted } of answered) {
      next.push(...(await this.#apply(tag, response, retriesExhausted)));
      this.#unsaved.add(tag.row);
    }
    const items = await this.#batchItems(next);
    await this.#save();
    return items;
  }

  async #save(): Promise<void> {
    await saveOutlookStates(this.run.db, this.#unsaved);
    this.#unsaved.clear();
  }

  /** Applies Outlook's final answer to a write's row; returns the writes the row needs next. */
  async #apply(write: Write<Row>, response: BatchSubResponse, retriesExhausted: boolean): Promise<Array<Write<Row>>> {
    const { row } = write;
    const outcome = outcomeOf(write.kind, response, retriesExhausted);
    if (outcome === "retryLater") {
      this.#recordFailure(write, describeFailure(response), "pending", response.status);
      return [];
    }
    const event = (response.body ?? {}) as GraphEvent;
    switch (`${write.kind} ${outcome}`) {
      case "create done":
        this.#recordCopy(row, event, write);
        this.counts.created++;
        return this.#strayDeletes(row, write.rewrites);
      case "update done":
        this.#recordCopy(row, event, write);
        this.counts.updated++;
        return this.#strayDeletes(row, write.rewrites);
      case "delete done":
      case "delete gone":
        this.target.recordDeleted(row, write.version);
        this.counts.deleted++;
        return [];
      case "deleteDuplicate done":
      case "deleteDuplicate gone":
        row.strayGraphEventIds = row.strayGraphEventIds.filter((id) => id !== write.graphEventId);
        this.counts.deleted++;
        return [];
      case "update changed":
      case "delete changed":
        return [{ ...write, kind: "reread" }];
      case "update gone":
      case "reread gone":
        return this.#copyGone(write);
      case "reread done":
        return this.#copyChanged(write, event);
      case "lookup done":
        return this.#found(write, (response.body as { value?: GraphEvent[] } | undefined)?.value ?? []);
      case "create refused":
        // Outlook refused the create outright, so nothing was made: the next attempt needs no lookup.
        this.target.forgetCopy(row);
        break;
    }
    this.#recordFailure(write, describeFailure(response), "error", response.status);
    return [];
  }

  /** The row now knows its Outlook copy (created or updated), at the version that was sent. */
  #recordCopy(row: Row, event: GraphEvent, write: Write<Row>): void {
    row.integrationId = this.run.integration.id;
    row.graphEventId = event.id ?? row.graphEventId;
    row.graphIcalUid = event.iCalUId ?? row.graphIcalUid;
    row.graphChangeKey = event.changeKey ?? row.graphChangeKey;
    row.syncStatus = "synced";
    row.syncError = null;
    this.target.recordWritten(row, write.version, event);
  }

  /**
   * A lookup's answer: the copy Outlook holds (duplicates are deleted) is taken, whatever version it shows, then the
   * row's rule says what it needs; without a copy, the row forgets its traces of one first.
   */
  #found(write: Write<Row>, copies: GraphEvent[]): Array<Write<Row>> {
    const { row } = write;
    const [copy, ...duplicates] = copies.filter(({ id }) => id);
    const next = duplicates.map((duplicate): Write<Row> => ({
      ...write,
      kind: "deleteDuplicate",
      graphEventId: duplicate.id ?? "",
    }));
    if (copy) {
      row.integrationId = this.run.integration.id;
      row.graphEventId = copy.id ?? null;
      row.graphIcalUid = copy.iCalUId ?? null;
      row.graphChangeKey = copy.changeKey ?? null;
      row.graphCalendarId = write.calendarId ?? row.graphCalendarId;
      // Kept as a trace of the export, should the id be lost again.
      row.graphTransactionId = copy.transactionId ?? row.graphTransactionId;
      // The version the copy shows is unknown: it is written again.
      row.exportedFormationVersion = null;
    } else {
      this.target.forgetCopy(row);
    }
    return [...next, ...this.#next(row, write.rewrites)];
  }

  /** What the row needs next: the write its rule plans, else the deletion of the copies it left elsewhere. */
  #next(row: Row, rewrites: number): Array<Write<Row>> {
    const kind = this.target.plannedWrite(row);
    return kind ? [this.#write(kind, row, rewrites)] : this.#strayDeletes(row, rewrites);
  }

  /**
   * A row that needs no write has its copy where it belongs, or needs none: the copies it left in a calendar it no
   * longer goes to can go now, never before (a move creates first, then deletes). Its own copy is never one of them.
   */
  #strayDeletes(row: Row, rewrites: number): Array<Write<Row>> {
    if (row.graphEventId !== null && row.strayGraphEventIds.includes(row.graphEventId)) {
      row.strayGraphEventIds = row.strayGraphEventIds.filter((id) => id !== row.graphEventId);
      this.#unsaved.add(row);
    }
    if (!this.target.straysMayGo(row)) return [];
    return row.strayGraphEventIds.map((graphEventId) => ({
      ...this.#write("deleteDuplicate", row, rewrites),
      graphEventId,
    }));
  }

  /** The copy is gone from Outlook (404 on a write or a read): the user's removal is respected, unless they asked for it. */
  async #copyGone(write: Write<Row>): Promise<Array<Write<Row>>> {
    if (this.options.respectRemovals) return this.#afterConflictRules(write, { kind: "removed" });
    // Asked for explicitly: made again, with a new transactionId (the old one named the deleted event).
    this.target.forgetCopy(write.row);
    return this.#next(write.row, write.rewrites);
  }

  /**
   * The copy changed in Outlook since it was last seen (a 412): read as the import reads it, the conflict rules
   * settle what it shows now, as an import would; a copy cancelled meanwhile is gone.
   */
  async #copyChanged(write: Write<Row>, copy: GraphEvent): Promise<Array<Write<Row>>> {
    const { integration } = this.run;
    const userTimeZone = await (this.#userTimeZone ??= this.#ownerTimeZone());
    const context = {
      ownerId: integration.userId,
      integrationId: integration.id,
      calendarId: write.row.graphCalendarId ?? "",
      userTimeZone,
    };
    const mapping = graphEventToAgendaEvent(copy, context);
    if (mapping.kind === "remove") return this.#copyGone(write);
    if (mapping.kind === "unmappable") {
      this.#recordFailure(write, `the Outlook copy cannot be read: ${mapping.reason}`, "error");
      return [];
    }
    return this.#afterConflictRules(write, { kind: "edited", event: mapping.event });
  }

  /**
   * Applies the conflict rules to what Outlook holds now, in a transaction of its own with the row locked, then
   * writes again what the row still needs: at most MAX_REWRITES times in a run.
   */
  async #afterConflictRules(write: Write<Row>, change: OutlookChange): Promise<Array<Write<Row>>> {
    const { run } = this;
    const { row } = write;
    const settled = await run.db.transaction(async (tx) => {
      const [current] = await tx.select().from(agendaEvents).where(eq(agendaEvents.id, row.id)).for("update");
      return (
        current &&
        (await applyOutlookChange(tx, { integrationId: run.integration.id, runId: run.id }, current, change)).row
      );
    });
    if (!settled) return [];
    // The row takes what the rules saved, for each of its fields the database holds.
    const fields = row as Record<string, unknown>;
    for (const [field, value] of Object.entries(settled)) if (field in fields) fields[field] = value;
    if (change.kind === "edited" && this.target.copyShowsRow(settled, change.event)) {
      row.syncStatus = "synced";
      row.syncError = null;
    }
    const next = this.#next(row, write.rewrites + 1);
    if (next.length > 0 && write.rewrites >= MAX_REWRITES) {
      this.#recordFailure(write, "the Outlook copy kept changing while it was written", "pending", 412);
      return [];
    }
    return next;
  }

  async #ownerTimeZone(): Promise<string> {
    const [owner] = await this.run.db
      .select({ timeZone: users.timeZone })
      .from(users)
      .where(eq(users.id, this.run.integration.userId));
    return owner?.timeZone ?? "UTC";
  }

  #recordFailure(write: Write<Row>, reason: string, status: "error" | "pending", httpStatus?: number): void {
    const { row } = write;
    this.run.stats.issues.push({
      message: `${write.kind} of ${this.target.describe(row)}${status === "pending" ? " (will be retried)" : ""}: ${reason}`,
      eventId: row.id,
      ...(row.graphEventId ? { graphEventId: row.graphEventId } : {}),
      ...(httpStatus ? { status: httpStatus } : {}),
    });
    if (write.kind === "deleteDuplicate") return;
    row.syncStatus = status;
    row.syncError = reason;
    this.counts.failed++;
  }
}

/** Brings Outlook in line with `rows` as `target` says, and counts what it wrote into the run. */
export function writeToOutlook<Row extends CopyState>(
  run: SyncRun,
  target: WriteTarget<Row>,
  rows: Row[],
  options: WriteOptions,
): Promise<ExportCounts> {
  return new Writer(run, target, options).write(rows);
}
