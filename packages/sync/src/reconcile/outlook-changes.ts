import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents } from "@agenda/db/schema";
import { eq, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { eventSnapshot, recordConflict, type NewSyncConflict } from "./conflict-log";
import { sameBodyReading } from "./body-reading";
import type { ImportedAgendaEvent } from "./graph-event-mapping";

/**
 * The conflict rules (README, "Conflict rules"): what a change seen in Outlook does to an agenda row that is not a
 * plain Outlook row with nothing pending: formation copies, platform events, and Outlook events edited in the
 * platform. The import applies them to what delta delivers; the export to what it reads back after a 412 or a 404.
 */

export type AgendaEventRow = typeof agendaEvents.$inferSelect;

/** A formation row's Outlook state once it has no copy there any more, nor a create in flight. */
export const NO_FORMATION_COPY = {
  integrationId: null,
  graphEventId: null,
  graphIcalUid: null,
  graphChangeKey: null,
  graphCalendarId: null,
  graphTransactionId: null,
  exportedFormationVersion: null,
  syncStatus: "synced",
  syncError: null,
} as const satisfies Partial<AgendaEventRow>;

export type OutlookChange = { kind: "edited"; event: ImportedAgendaEvent } | { kind: "removed" };

export interface ConflictContext {
  integrationId: string;
  runId: string;
}

export interface OutlookChangeOutcome {
  row: AgendaEventRow;
  /** What the agenda shows changed: counted in the run. */
  effect: "none" | "updated" | "deleted";
  /** Outlook has to be brought in line with the row: a formation to put back, a platform edit to push or re-create. */
  needsExport: boolean;
}

/** A personal row holds a platform edit (or deletion) Outlook does not have yet. */
export function hasPendingEdit(row: Pick<AgendaEventRow, "source" | "version" | "outlookVersion">): boolean {
  return row.source !== "formation" && (row.outlookVersion === null || row.version > row.outlookVersion);
}

/** Rows the import's set-based path may overwrite with Outlook's version: Outlook rows with nothing pending. */
export function isPlainOutlookRow(row: Pick<AgendaEventRow, "source" | "version" | "outlookVersion">): boolean {
  return row.source === "outlook" && !hasPendingEdit(row);
}

/**
 * Whether Outlook's version shows what the row shows (the time zone aside: Outlook names zones its own way; the
 * body as it reads: Outlook gives it as text, the platform may hold HTML).
 */
export function sameContent(row: AgendaEventRow, event: ImportedAgendaEvent): boolean {
  const sameTiming =
    row.isAllDay === event.isAllDay &&
    (row.isAllDay
      ? row.startDate === event.startDate && row.endDate === event.endDate
      : row.startsAt.getTime() === event.startsAt.getTime() && row.endsAt.getTime() === event.endsAt.getTime());
  return (
    sameTiming &&
    row.title === event.title &&
    sameBodyReading(row.body, event.body) &&
    row.location === event.location &&
    row.showAs === event.showAs
  );
}

/** Where a formation's copy shows it, as the export writes it: the room, else the online link. */
function formationPlace(row: AgendaEventRow): string | null {
  return (row.location?.trim() ? row.location : row.onlineUrl) || null;
}

/** What a cancelled formation's copies start their subject with, in their owner's language. */
export const CANCELLED_SUBJECT_PREFIX = { fr: "Annulé : ", en: "Cancelled: " } as const;

/**
 * Whether a copy's subject is the one the export writes: the row's title, prefixed once the formation is cancelled
 * (in its owner's language, which may have changed since: any language's prefix is ours).
 */
function isFormationSubject(row: AgendaEventRow, subject: string): boolean {
  if (!row.formationCancelled) return subject === row.title;
  return Object.values(CANCELLED_SUBJECT_PREFIX).some((prefix) => subject === `${prefix}${row.title}`);
}

/** Whether Outlook's copy of a formation shows another time, title or place than the formation. */
export function formationFieldsDiffer(row: AgendaEventRow, event: ImportedAgendaEvent): boolean {
  return (
    event.isAllDay ||
    !isFormationSubject(row, event.title) ||
    event.startsAt.getTime() !== row.startsAt.getTime() ||
    event.endsAt.getTime() !== row.endsAt.getTime() ||
    event.location !== formationPlace(row)
  );
}

function isEcho(row: AgendaEventRow, event: ImportedAgendaEvent): boolean {
  // A row deleted because Outlook removed the event, which Outlook shows again (moved back), is not an echo.
  const stillWanted = row.deletedAt === null || hasPendingEdit(row);
  return (
    event.graphChangeKey !== null &&
    event.graphChangeKey === row.graphChangeKey &&
    event.graphCalendarId === row.graphCalendarId &&
    stillWanted
  );
}

async function save(
  db: DatabaseOrTransaction,
  row: AgendaEventRow,
  changes: PgUpdateSetSource<typeof agendaEvents>,
): Promise<AgendaEventRow> {
  const [saved] = await db.update(agendaEvents).set(changes).where(eq(agendaEvents.id, row.id)).returning();
  if (!saved)
    throw new Error(`agenda event ${row.id} vanished while the conflict rules applied an Outlook change to it`);
  return saved;
}

/** What Outlook says of its copy, whoever wins: the next write's If-Match, and the sighting a full round needs. */
function outlookState(event: ImportedAgendaEvent) {
  return {
    graphChangeKey: event.graphChangeKey,
    graphCalendarId: event.graphCalendarId,
    graphIcalUid: event.graphIcalUid,
    remoteModifiedAt: event.remoteModifiedAt,
    graphSeenAt: sql`now()`,
  };
}

/**
 * The body in line with Outlook's copy: the row's when it reads as Outlook's text does (its HTML kept, and not
 * written again), else Outlook's text.
 */
function bodyInLineWith(row: AgendaEventRow, event: ImportedAgendaEvent): string {
  return sameBodyReading(row.body, event.body) ? row.body : event.body;
}

/** The row takes Outlook's version: a new row version when what it shows changes, and Outlook reflects it. */
async function takeOutlookVersion(
  db: DatabaseOrTransaction,
  row: AgendaEventRow,
  event: ImportedAgendaEvent,
): Promise<OutlookChangeOutcome> {
  const changed = row.deletedAt !== null || !sameContent(row, event);
  const version = changed ? row.version + 1 : row.version;
  const body = bodyInLineWith(row, event);
  const content = {
    title: event.title,
    body,
    outlookBody: body,
    location: event.location,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    isAllDay: event.isAllDay,
    startDate: event.startDate,
    endDate: event.endDate,
    timeZone: event.timeZone,
    showAs: event.showAs,
    // What only Outlook has (an Outlook meeting link, series) for its own events; a platform event keeps its link.
    ...(row.source === "outlook"
      ? {
          onlineUrl: event.onlineUrl,
          graphSeriesMasterId: event.graphSeriesMasterId,
          graphEventType: event.graphEventType,
          recurrence: event.recurrence,
        }
      : {}),
  };
  const saved = await save(db, row, {
    ...content,
    ...outlookState(event),
    deletedAt: null,
    version,
    outlookVersion: version,
    syncStatus: "synced",
    syncError: null,
    ...(changed ? { updatedAt: new Date() } : {}),
  });
  return { row: saved, effect: changed ? "updated" : "none", needsExport: false };
}

async function applyPersonalEdit(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
  event: ImportedAgendaEvent,
): Promise<OutlookChangeOutcome> {
  const pending = hasPendingEdit(row);
  if (isEcho(row, event))
    return { row: await save(db, row, { graphSeenAt: sql`now()` }), effect: "none", needsExport: pending };
  if (!pending) return takeOutlookVersion(db, row, event);
  // Both sides wrote the same thing (or this is our own write, read back before its answer was recorded).
  if (row.deletedAt === null && sameContent(row, event)) {
    return {
      row: await save(db, row, {
        ...outlookState(event),
        outlookVersion: row.version,
        outlookBody: row.body,
        syncStatus: "synced",
        syncError: null,
      }),
      effect: "none",
      needsExport: false,
    };
  }
  // The later edit wins; a platform change with no Outlook time to compare to is the later one.
  const outlookWins = event.remoteModifiedAt !== null && event.remoteModifiedAt.getTime() > row.updatedAt.getTime();
  await recordConflict(db, {
    ownerId: row.ownerId,
    integrationId: context.integrationId,
    eventId: row.id,
    syncRunId: context.runId,
    kind: row.deletedAt === null ? "edited_on_both_sides" : "removed_in_outlook_edited_here",
    winner: outlookWins ? "outlook" : "platform",
    platformVersion: eventSnapshot(row, row.updatedAt, row.deletedAt !== null),
    outlookVersion: eventSnapshot(event, event.remoteModifiedAt),
  });
  if (outlookWins) return takeOutlookVersion(db, row, event);
  // The platform's body is written over Outlook's only if they differ: an unchanged one keeps Outlook's HTML.
  return {
    row: await save(db, row, { ...outlookState(event), outlookBody: bodyInLineWith(row, event) }),
    effect: "none",
    needsExport: true,
  };
}

async function applyPersonalRemoval(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
): Promise<OutlookChangeOutcome> {
  const pending = hasPendingEdit(row);
  if (!pending) {
    if (row.deletedAt !== null) return { row, effect: "none", needsExport: false };
    const version = row.version + 1;
    const saved = await save(db, row, {
      deletedAt: new Date(),
      updatedAt: new Date(),
      version,
      outlookVersion: version,
    });
    return { row: saved, effect: "deleted", needsExport: false };
  }
  if (row.deletedAt !== null)
    return {
      row: await save(db, row, { outlookVersion: row.version, syncStatus: "synced", syncError: null }),
      effect: "none",
      needsExport: false,
    };
  // Outlook tells no time for a deletion: the edit made here wins, the event is made again in Outlook, and the
  // deletion is logged so the user can delete it again if they meant it.
  await recordConflict(db, {
    ownerId: row.ownerId,
    integrationId: context.integrationId,
    eventId: row.id,
    syncRunId: context.runId,
    kind: "removed_in_outlook_edited_here",
    winner: "platform",
    platformVersion: eventSnapshot(row, row.updatedAt),
    outlookVersion: eventSnapshot(row, null, true),
  });
  const saved = await save(db, row, {
    graphEventId: null,
    graphChangeKey: null,
    graphIcalUid: null,
    graphTransactionId: null,
    remoteModifiedAt: null,
  });
  return { row: saved, effect: "none", needsExport: true };
}

/** A formation's copy changed in Outlook, against the formation as the platform holds it. */
async function recordFormationConflict(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
  outcome: Pick<NewSyncConflict, "kind" | "winner" | "outlookVersion">,
): Promise<void> {
  await recordConflict(db, {
    ownerId: row.ownerId,
    integrationId: context.integrationId,
    eventId: row.id,
    formationId: row.formationId,
    syncRunId: context.runId,
    platformVersion: eventSnapshot(row, row.updatedAt),
    ...outcome,
  });
}

/** The platform owns formations: Outlook edits of their time, title or place are put back; a deletion is respected. */
async function applyToFormation(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
  change: OutlookChange,
): Promise<OutlookChangeOutcome> {
  const wanted = row.deletedAt === null;
  if (change.kind === "edited") {
    const { event } = change;
    if (isEcho(row, event))
      return { row: await save(db, row, { graphSeenAt: sql`now()` }), effect: "none", needsExport: false };
    const putBack = wanted && formationFieldsDiffer(row, event);
    if (putBack)
      await recordFormationConflict(db, context, row, {
        kind: "formation_changed_in_outlook",
        winner: "platform",
        outlookVersion: eventSnapshot(event, event.remoteModifiedAt),
      });
    const saved = await save(db, row, {
      ...outlookState(event),
      ...(putBack ? { syncStatus: "pending" as const, syncError: null } : {}),
    });
    return { row: saved, effect: "none", needsExport: putBack };
  }
  if (wanted)
    await recordFormationConflict(db, context, row, {
      kind: "formation_removed_in_outlook",
      winner: "outlook",
      outlookVersion: eventSnapshot(row, null, true),
    });
  const saved = await save(db, row, {
    ...(wanted ? { removedFromOutlookAt: new Date() } : {}),
    ...NO_FORMATION_COPY,
    remoteModifiedAt: null,
  });
  return { row: saved, effect: "none", needsExport: false };
}

/**
 * Applies the conflict rules to one row (locked by the caller's transaction) for a change seen in Outlook, recording
 * any conflict in the same transaction.
 */
export function applyOutlookChange(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
  change: OutlookChange,
): Promise<OutlookChangeOutcome> {
  if (row.source === "formation") return applyToFormation(db, context, row, change);
  return change.kind === "edited"
    ? applyPersonalEdit(db, context, row, change.event)
    : applyPersonalRemoval(db, context, row);
}

/**
 * A copy this product created whose answer never reached its row, recognised by the transactionId the row saved
 * before sending: the row takes the copy's ids. No conflict is possible; an edit made since is still to be sent.
 */
export async function adoptOwnCopy(
  db: DatabaseOrTransaction,
  context: ConflictContext,
  row: AgendaEventRow,
  event: ImportedAgendaEvent,
): Promise<OutlookChangeOutcome> {
  const ids = {
    integrationId: context.integrationId,
    graphEventId: event.graphEventId,
    ...outlookState(event),
    syncStatus: "synced" as const,
    syncError: null,
  };
  if (row.source === "formation") {
    // Which formation version the copy shows is unknown: the export rewrites it.
    return { row: await save(db, row, { ...ids, exportedFormationVersion: null }), effect: "none", needsExport: true };
  }
  const inLine = row.deletedAt === null && sameContent(row, event);
  const saved = await save(db, row, {
    ...ids,
    ...(inLine ? { outlookVersion: row.version, outlookBody: row.body } : {}),
  });
  return { row: saved, effect: "none", needsExport: !inLine };
}
