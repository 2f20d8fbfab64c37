import type { DatabaseOrTransaction } from "@agenda/db/client";
import { syncConflicts, type agendaEvents, type EventSnapshot } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { publishIntegrationStatus } from "../status/integration-status";

export type SyncConflictRow = typeof syncConflicts.$inferSelect;
export type NewSyncConflict = Omit<
  typeof syncConflicts.$inferInsert,
  "id" | "detectedAt" | "reviewedAt" | "resolvedWith" | "resolvedAt"
>;

/** A conflict as the user sees it: both versions, which one the sync kept, and whether they looked at it. */
export interface SyncConflict {
  id: string;
  kind: SyncConflictRow["kind"];
  winner: SyncConflictRow["winner"];
  eventId: string | null;
  formationId: string | null;
  title: string;
  platformVersion: EventSnapshot | null;
  outlookVersion: EventSnapshot | null;
  detectedAt: string;
  reviewedAt: string | null;
  /** The side whose version the user took back ("keep this version instead"), if they did. */
  resolvedWith: SyncConflictRow["resolvedWith"];
}

export const listConflictsInput = z
  .object({
    includeReviewed: z.boolean().default(false),
    limit: z.int().min(1).max(500).default(100),
  })
  .default({ includeReviewed: false, limit: 100 });
export type ListConflictsInput = z.output<typeof listConflictsInput>;

export const reviewConflictInput = z.object({ id: z.uuid() });

type SnapshotSource = Pick<
  typeof agendaEvents.$inferSelect,
  "title" | "body" | "location" | "startsAt" | "endsAt" | "isAllDay" | "startDate" | "endDate" | "timeZone"
>;

/** One side's version of an event, for the conflict log: `modifiedAt` is when that side last changed it. */
export function eventSnapshot(event: SnapshotSource, modifiedAt: Date | null, deleted = false): EventSnapshot {
  return {
    title: event.title,
    body: event.body,
    location: event.location,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    isAllDay: event.isAllDay,
    startDate: event.startDate,
    endDate: event.endDate,
    timeZone: event.timeZone,
    modifiedAt: modifiedAt?.toISOString() ?? null,
    ...(deleted ? { deleted } : {}),
  };
}

/**
 * Logs a conflict the sync resolved, in the caller's transaction, and tells the user's status feed (delivered at
 * commit): the unreviewed count it shows changes.
 */
export async function recordConflict(db: DatabaseOrTransaction, conflict: NewSyncConflict): Promise<void> {
  await db.insert(syncConflicts).values(conflict);
  await publishIntegrationStatus(db, conflict.ownerId);
}

function toSyncConflict(row: SyncConflictRow): SyncConflict {
  return {
    id: row.id,
    kind: row.kind,
    winner: row.winner,
    eventId: row.eventId,
    formationId: row.formationId,
    title: row.platformVersion?.title ?? row.outlookVersion?.title ?? "",
    platformVersion: row.platformVersion,
    outlookVersion: row.outlookVersion,
    detectedAt: row.detectedAt.toISOString(),
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    resolvedWith: row.resolvedWith,
  };
}

/** The owner's conflicts, newest first; unreviewed ones only unless asked. */
export async function listConflicts(
  db: DatabaseOrTransaction,
  ownerId: string,
  options: Partial<ListConflictsInput> = {},
): Promise<SyncConflict[]> {
  const rows = await db
    .select()
    .from(syncConflicts)
    .where(
      and(eq(syncConflicts.ownerId, ownerId), options.includeReviewed ? undefined : isNull(syncConflicts.reviewedAt)),
    )
    .orderBy(desc(syncConflicts.detectedAt), desc(syncConflicts.id))
    .limit(options.limit ?? 100);
  return rows.map(toSyncConflict);
}

/** Marks one of the owner's conflicts reviewed (again: keeps the first review time). Another user's is not found. */
export async function reviewConflict(
  db: DatabaseOrTransaction,
  ownerId: string,
  id: string,
): Promise<{ id: string; reviewedAt: string }> {
  const owned = and(eq(syncConflicts.id, id), eq(syncConflicts.ownerId, ownerId));
  const [reviewed] = await db
    .update(syncConflicts)
    .set({ reviewedAt: new Date() })
    .where(and(owned, isNull(syncConflicts.reviewedAt)))
    .returning({ reviewedAt: syncConflicts.reviewedAt });
  if (reviewed?.reviewedAt) {
    await publishIntegrationStatus(db, ownerId);
    return { id, reviewedAt: reviewed.reviewedAt.toISOString() };
  }
  const [existing] = await db.select({ reviewedAt: syncConflicts.reviewedAt }).from(syncConflicts).where(owned);
  if (!existing?.reviewedAt) throw new DomainError("CONFLICT_NOT_FOUND", { id });
  return { id, reviewedAt: existing.reviewedAt.toISOString() };
}

/** The user put a formation they had deleted in Outlook back: the conflicts saying it was removed are answered. */
export async function reviewFormationRemovals(
  db: DatabaseOrTransaction,
  ownerId: string,
  eventId: string,
): Promise<void> {
  const reviewed = await db
    .update(syncConflicts)
    .set({ reviewedAt: new Date() })
    .where(
      and(
        eq(syncConflicts.ownerId, ownerId),
        eq(syncConflicts.eventId, eventId),
        eq(syncConflicts.kind, "formation_removed_in_outlook"),
        isNull(syncConflicts.reviewedAt),
      ),
    )
    .returning({ id: syncConflicts.id });
  if (reviewed.length > 0) await publishIntegrationStatus(db, ownerId);
}
