import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, enrollments, formations, platformSettings, users } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { alignFormationEvents } from "@agenda/domain/formations";
import { httpsUrlOrNull } from "@agenda/domain/links";
import { graphStatusOf } from "@agenda/graph/graph-client";
import type { DateTimeTimeZone, Event as GraphEvent } from "@microsoft/microsoft-graph-types";
import { and, asc, eq, isNotNull, isNull, lt, ne, not, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { reviewFormationRemovals } from "../reconcile/conflict-log";
import { formationFieldsDiffer, NO_FORMATION_COPY } from "../reconcile/outlook-changes";
import type { SyncRun } from "../runs/sync-run";
import { exportCalendarOf } from "./export-calendar";
import { hasStrayCopies } from "../reconcile/settings-cleanup";
import {
  formationToGraphEvent,
  formationToGraphEventChanges,
  type ExportedFormation,
  type FormationEventContext,
} from "./formation-event-mapping";
import { PREFER_IMMUTABLE_IDS, type BatchRetrySettings } from "./graph-batch";
import { FORMATION_CATEGORY, FORMATION_ID_PROPERTY, FORMATION_SESSION_ID_PROPERTY } from "./outlook-event-tags";
import {
  saveOutlookStates,
  writeToOutlook,
  type CopyState,
  type ExportCounts,
  type PlannedWrite,
  type WriteTarget,
} from "./outlook-writes";

export interface ExportFormationsOptions {
  /** Where the platform is, for the link back to the formation in each event's body. */
  platformUrl: string;
  /** The Outlook add-in's manifest id: each copy carries the add-in's formation custom property (see formationToGraphEvent). */
  addinId?: string;
  retry?: Partial<BatchRetrySettings>;
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

/** A formation row of the user's agenda (one session of a formation), what it mirrors, and the state of its Outlook copy. */
export interface FormationCopy extends CopyState {
  formation: ExportedFormation;
  /** The row's version: what it mirrors changed when it moved. */
  version: number;
  /**
   * Outlook should hold a copy: the row is live (the user takes part) and, unless the admins chose to delete cancelled
   * formations' copies, a cancelled formation's copy stays, marked.
   */
  wanted: boolean;
}

/**
 * An integration as queries name it: by value, or by the columns of an outer query over calendar_integrations (to ask
 * about every integration at once).
 */
export interface IntegrationKey {
  id: string | AnyPgColumn;
  userId: string | AnyPgColumn;
}

type CopyFacts = Pick<
  CopyState,
  "graphEventId" | "integrationId" | "syncStatus" | "exportedFormationVersion" | "graphTransactionId"
>;

/**
 * Whether the row may have a copy in Outlook whose id it does not hold: a create was sent (transactionId) but its
 * answer never recorded, ids from another (deleted) integration, or ids lost while other traces of the export remain.
 */
function hasExportTraces(row: CopyFacts): boolean {
  return (
    row.graphEventId !== null ||
    row.graphTransactionId !== null ||
    row.integrationId !== null ||
    row.exportedFormationVersion !== null
  );
}

/** The integration's copy of the session shows the row's current version. */
export function copyInLine(row: CopyFacts, rowVersion: number, integrationId: string): boolean {
  const written = row.graphEventId !== null && row.integrationId === integrationId && row.syncStatus === "synced";
  return written && row.exportedFormationVersion !== null && row.exportedFormationVersion >= rowVersion;
}

/**
 * The export rule for formations: what a row needs for the integration's Outlook to be in line with it. A copy the
 * user deleted stays deleted; a row that never reached Outlook is created (its transactionId guards the retries); one
 * with traces of an earlier export is looked up first, so a copy Outlook already holds is reused, not duplicated.
 */
export function plannedFormationWrite(row: FormationCopy, integrationId: string): PlannedWrite | undefined {
  if (!row.wanted) {
    if (row.graphEventId !== null) return "delete";
    return hasExportTraces(row) ? "lookup" : undefined;
  }
  if (row.removedFromOutlookAt !== null) return undefined;
  if (row.graphEventId !== null && row.integrationId === integrationId)
    return copyInLine(row, row.version, integrationId) ? undefined : "update";
  return hasExportTraces(row) ? "lookup" : "create";
}

/**
 * Whether Outlook should hold the row's copy, in SQL: the row is live, and not a cancelled formation's while the
 * platform's setting deletes those (so switching the setting puts every such row out of line, with no version bump).
 */
export function copyWanted(): SQL<boolean> {
  const deletesCancelled = sql`exists (select 1 from ${platformSettings} where ${platformSettings.cancelledFormationsInOutlook} = 'delete')`;
  return sql<boolean>`(${agendaEvents.deletedAt} is null and not (${agendaEvents.formationCancelled} and ${deletesCancelled}))`;
}

/**
 * The formation rows an export of the integration looks at: SQL narrows them to those that are not known to be in
 * line (a copy of this integration at the row's version, or a copy the user deleted, or no trace of one on a row
 * Outlook should not hold); `plannedFormationWrite` decides what each one needs.
 */
function formationCandidatesOf(integrationId: IntegrationKey["id"]): SQL | undefined {
  const wanted = copyWanted();
  const traces = or(
    isNotNull(agendaEvents.graphEventId),
    isNotNull(agendaEvents.graphTransactionId),
    isNotNull(agendaEvents.integrationId),
    isNotNull(agendaEvents.exportedFormationVersion),
  );
  const outOfLine = or(
    isNull(agendaEvents.graphEventId),
    sql`${agendaEvents.integrationId} is distinct from ${integrationId}`,
    isNull(agendaEvents.exportedFormationVersion),
    lt(agendaEvents.exportedFormationVersion, agendaEvents.version),
    ne(agendaEvents.syncStatus, "synced"),
  );
  return or(
    and(wanted, isNull(agendaEvents.removedFromOutlookAt), outOfLine),
    and(not(wanted), traces),
    hasStrayCopies(),
  );
}

/** The formation rows an export of the integration would look at, as a subquery (for `exists`). */
export function formationsToExport(db: DatabaseOrTransaction, integration: IntegrationKey) {
  return db
    .select({ id: agendaEvents.id })
    .from(agendaEvents)
    .where(
      and(
        eq(agendaEvents.ownerId, integration.userId),
        eq(agendaEvents.source, "formation"),
        formationCandidatesOf(integration.id),
      ),
    );
}

async function loadFormationCopies(run: SyncRun, filter: SQL | undefined): Promise<FormationCopy[]> {
  const rows = await run.db
    .select({ event: agendaEvents, wanted: copyWanted() })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, run.integration.userId), eq(agendaEvents.source, "formation"), filter))
    .orderBy(asc(agendaEvents.startsAt), asc(agendaEvents.id));
  return rows.map(({ event, wanted }) => ({
    id: event.id,
    formation: {
      id: event.formationId ?? "",
      sessionId: event.formationSessionId,
      title: event.title,
      description: event.body,
      location: event.location,
      onlineUrl: event.onlineUrl,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timeZone: event.timeZone,
      cancelled: event.formationCancelled,
      cancellationReason: event.cancellationReason,
    },
    version: event.version,
    wanted,
    integrationId: event.integrationId,
    graphEventId: event.graphEventId,
    graphIcalUid: event.graphIcalUid,
    graphChangeKey: event.graphChangeKey,
    graphCalendarId: event.graphCalendarId,
    graphTransactionId: event.graphTransactionId,
    exportedFormationVersion: event.exportedFormationVersion,
    outlookVersion: event.outlookVersion,
    outlookBody: event.outlookBody,
    remoteModifiedAt: event.remoteModifiedAt,
    syncStatus: event.syncStatus,
    syncError: event.syncError,
    removedFromOutlookAt: event.removedFromOutlookAt,
    strayGraphEventIds: event.strayGraphEventIds,
  }));
}

/**
 * Whether the integration may find copies in Outlook that no row knows of, so creates must look first: on its first
 * export (or the first after a reconnection, which forgets the ids), when the calendar already holds events of the
 * Formation category. A fresh calendar, the common case, costs one request and no lookups.
 */
async function mayHoldUnknownCopies(run: SyncRun): Promise<boolean> {
  const [known] = await run.db
    .select({ id: agendaEvents.id })
    .from(agendaEvents)
    .where(
      and(
        eq(agendaEvents.ownerId, run.integration.userId),
        eq(agendaEvents.source, "formation"),
        eq(agendaEvents.integrationId, run.integration.id),
      ),
    )
    .limit(1);
  if (known) return false;
  const tagged = (await run.graph
    .api(`/me/calendars/${encodeURIComponent(await exportCalendarOf(run))}/events`)
    .header("Prefer", PREFER_IMMUTABLE_IDS)
    .filter(`categories/any(c: c eq '${FORMATION_CATEGORY}')`)
    .select(["id"])
    .top(1)
    .get()) as { value?: unknown[] };
  return (tagged.value?.length ?? 0) > 0;
}

function forgetCopy(row: FormationCopy): void {
  Object.assign(row, NO_FORMATION_COPY);
}

/**
 * Writes formation copies. `explicit`: the user asked for these rows (`exportFormation`), so they are written with
 * export turned off, and a copy they deleted is made again.
 */
async function writeFormations(
  run: SyncRun,
  rows: FormationCopy[],
  options: ExportFormationsOptions,
  explicit: boolean,
): Promise<ExportCounts> {
  const [owner] = await run.db.select({ locale: users.locale }).from(users).where(eq(users.id, run.integration.userId));
  const context: Omit<FormationEventContext, "transactionId"> = {
    platformUrl: options.platformUrl,
    locale: owner?.locale ?? "fr",
    ...(options.addinId ? { addinId: options.addinId } : {}),
  };
  const integrationId = run.integration.id;
  // With export turned off, only the deletions run: copies this product put in Outlook do not outlive their formation.
  const writesCopies = (row: FormationCopy) => explicit || run.integration.exportEnabled || !row.wanted;
  const considered = rows.filter((row) => writesCopies(row) || row.strayGraphEventIds.length > 0);
  const creating = considered.filter(
    (row) => writesCopies(row) && plannedFormationWrite(row, integrationId) === "create",
  );
  // Each of these is looked up once before it is created.
  const lookFirst = new Set(creating.length > 0 && (await mayHoldUnknownCopies(run)) ? creating : []);
  const target: WriteTarget<FormationCopy> = {
    describe: (row) => `formation ${row.formation.id} session ${row.formation.sessionId ?? "-"}`,
    plannedWrite: (row) => {
      if (!writesCopies(row)) return undefined;
      const write = plannedFormationWrite(row, integrationId);
      return write === "create" && lookFirst.delete(row) ? "lookup" : write;
    },
    versionOf: (row) => row.version,
    createBody: (row, transactionId) => formationToGraphEvent(row.formation, { ...context, transactionId }),
    updateBody: (row) => formationToGraphEventChanges(row.formation, context),
    // Each session is its own copy: found by its session; a copy from before sessions only carries the formation.
    tag: (row) =>
      row.formation.sessionId
        ? { property: FORMATION_SESSION_ID_PROPERTY, value: row.formation.sessionId }
        : { property: FORMATION_ID_PROPERTY, value: row.formation.id },
    // A formation copy never outlives its session or the user's enrolment, whatever was edited on it.
    conditionalDelete: false,
    recordWritten: (row, version) => {
      row.exportedFormationVersion = version;
    },
    recordDeleted: forgetCopy,
    forgetCopy,
    // A row moving keeps its export trace (its integration) until its new copy exists; one whose copies are to go has none.
    straysMayGo: (row) => writesCopies(row) || row.integrationId === null,
    copyShowsRow: (settled, copy) => !formationFieldsDiffer(settled, copy),
  };
  return writeToOutlook(run, target, considered, { retry: options.retry, respectRemovals: !explicit });
}

/**
 * Brings the integration's Outlook calendar in line with the user's formation rows: creates the missing copies,
 * rewrites those of changed formations, deletes those of cancelled formations and unenrolments. With export turned
 * off, only the deletions run.
 */
export async function exportFormations(run: SyncRun, options: ExportFormationsOptions): Promise<ExportCounts> {
  return writeFormations(
    run,
    await loadFormationCopies(run, formationCandidatesOf(run.integration.id)),
    options,
    false,
  );
}

async function readOutlookEvent(run: SyncRun, graphEventId: string): Promise<ExportedOutlookEvent> {
  const event = (await run.graph
    .api(`/me/events/${encodeURIComponent(graphEventId)}`)
    .header("Prefer", PREFER_IMMUTABLE_IDS)
    .select(["id", "webLink", "subject", "start", "end"])
    .get()) as GraphEvent;
  return {
    id: event.id ?? graphEventId,
    webLink: httpsUrlOrNull(event.webLink),
    subject: event.subject ?? "",
    start: event.start ?? {},
    end: event.end ?? {},
  };
}

/** The session a single answer names: the first one not over yet, else the last. */
function sessionShown(rows: FormationCopy[], now: Date): FormationCopy | undefined {
  return rows.find((row) => row.formation.endsAt > now) ?? rows.at(-1);
}

/**
 * The spec's "export this formation to Outlook" for the integration's user: makes sure Outlook holds an up-to-date
 * copy of each of its sessions (the same rule as `exportFormations`, so calling it twice never makes two events) and
 * returns the copy of the next session (the last one once all are over). An explicit request, so it works with
 * automatic export turned off. Refuses a formation the user does not take part in, or one that is cancelled.
 */
export async function exportFormation(
  run: SyncRun,
  formationId: string,
  options: ExportFormationsOptions,
): Promise<ExportedOutlookEvent> {
  const { db, integration } = run;
  const [formation] = await db.select().from(formations).where(eq(formations.id, formationId));
  if (!formation) throw new DomainError("FORMATION_NOT_FOUND", { id: formationId });
  const [enrolment] = await db
    .select({ userId: enrollments.userId })
    .from(enrollments)
    .where(and(eq(enrollments.formationId, formationId), eq(enrollments.userId, integration.userId)));
  if (!enrolment && formation.trainerId !== integration.userId)
    throw new DomainError("FORMATION_NOT_EXPORTABLE", { id: formationId, reason: "notParticipant" });
  if (formation.status !== "scheduled")
    throw new DomainError("FORMATION_NOT_EXPORTABLE", { id: formationId, reason: "cancelled" });

  const loadRows = async () =>
    (await loadFormationCopies(run, eq(agendaEvents.formationId, formationId))).filter(({ wanted }) => wanted);
  let rows = await loadRows();
  if (rows.length === 0) {
    // A participant of a scheduled formation always has live rows; repair the agenda if it lags behind.
    await alignFormationEvents(db, formation);
    rows = await loadRows();
  }
  if (rows.length === 0) throw new Error(`formation ${formationId} has no agenda row for user ${integration.userId}`);
  const removed = rows.filter(({ removedFromOutlookAt }) => removedFromOutlookAt !== null);
  if (removed.length > 0) {
    // "Add again": the user takes back their deletions, which answers their conflicts.
    for (const row of removed) row.removedFromOutlookAt = null;
    await saveOutlookStates(db, removed);
    for (const row of removed) await reviewFormationRemovals(db, integration.userId, row.id);
  }
  for (let attempt = 1; ; attempt++) {
    await writeFormations(run, rows, options, true);
    const exported = await loadRows();
    for (const row of exported) {
      if (!row.graphEventId || row.syncStatus === "pending") throw new DomainError("OUTLOOK_UNAVAILABLE");
      if (row.syncStatus === "error") throw new DomainError("OUTLOOK_EXPORT_FAILED", { reason: row.syncError ?? "" });
    }
    const shown = sessionShown(exported, new Date());
    if (!shown?.graphEventId) throw new DomainError("OUTLOOK_UNAVAILABLE");
    try {
      return await readOutlookEvent(run, shown.graphEventId);
    } catch (error) {
      // The copy was deleted in Outlook since the last export: the user asks for it, so it is made again, once.
      if (graphStatusOf(error) !== 404 || attempt > 1) throw error;
      forgetCopy(shown);
      await saveOutlookStates(db, [shown]);
      rows = exported;
    }
  }
}
