import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, syncConflicts, type EventSnapshot } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { DomainError } from "@agenda/domain/errors";
import { and, eq, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { z } from "zod";
import { publishIntegrationStatus } from "../status/integration-status";
import type { AgendaEventRow } from "./outlook-changes";

export const resolveConflictInput = z.object({ id: z.uuid() });

export interface ConflictResolution {
  id: string;
  /** The side whose version the user took back. */
  resolvedWith: "platform" | "outlook";
  resolvedAt: string;
  eventId: string;
}

/** The agenda row's fields a version sets: what it shows, as a snapshot recorded it. */
function contentOf(row: AgendaEventRow, version: EventSnapshot): PgUpdateSetSource<typeof agendaEvents> {
  return {
    title: version.title,
    body: version.body ?? row.body,
    location: version.location,
    startsAt: new Date(version.startsAt),
    endsAt: new Date(version.endsAt),
    isAllDay: version.isAllDay,
    startDate: version.startDate ?? null,
    endDate: version.endDate ?? null,
    timeZone: version.timeZone ?? row.timeZone,
  };
}

/**
 * What taking back the losing version does to the row, as an edit the user makes now in the agenda: the export then
 * writes it to Outlook through its engine, and the conflict rules settle it again if Outlook changed meanwhile. A
 * formation's copy that was removed in Outlook is added again (the "add again" the formations list offers); one
 * edited in Outlook cannot take Outlook's version, the platform owns formations.
 */
function restoring(row: AgendaEventRow, loser: EventSnapshot): PgUpdateSetSource<typeof agendaEvents> {
  const edit = { version: row.version + 1, updatedAt: new Date(), syncStatus: "pending" as const, syncError: null };
  if (loser.deleted) return { ...edit, deletedAt: new Date() };
  // A deletion that already reached Outlook left no copy there: the version taken back is created again.
  const copyDeleted = row.deletedAt !== null && row.outlookVersion !== null && row.outlookVersion >= row.version;
  return {
    ...edit,
    ...contentOf(row, loser),
    deletedAt: null,
    ...(copyDeleted
      ? {
          graphEventId: null,
          graphChangeKey: null,
          graphIcalUid: null,
          graphTransactionId: null,
          remoteModifiedAt: null,
        }
      : {}),
  };
}

/**
 * "Keep this version instead": the owner takes back the version the sync set aside in one of their conflicts. The
 * agenda row takes it (and Outlook follows through the export, which the caller queues in the same transaction), the
 * conflict is marked resolved with the side kept (and reviewed), and the choice is audited. Another user's conflict,
 * or one whose event is gone, is not found.
 */
export async function resolveConflict(
  db: DatabaseOrTransaction,
  ownerId: string,
  id: string,
): Promise<ConflictResolution> {
  return db.transaction(async (tx) => {
    const [conflict] = await tx
      .select()
      .from(syncConflicts)
      .where(and(eq(syncConflicts.id, id), eq(syncConflicts.ownerId, ownerId)))
      .for("update");
    if (!conflict?.eventId) throw new DomainError("CONFLICT_NOT_FOUND", { id });
    const [row] = await tx
      .select()
      .from(agendaEvents)
      .where(and(eq(agendaEvents.id, conflict.eventId), eq(agendaEvents.ownerId, ownerId)))
      .for("update");
    if (!row) throw new DomainError("CONFLICT_NOT_FOUND", { id });
    const resolvedWith = conflict.winner === "platform" ? "outlook" : "platform";
    const loser = resolvedWith === "platform" ? conflict.platformVersion : conflict.outlookVersion;
    if (conflict.kind === "formation_removed_in_outlook") {
      await tx
        .update(agendaEvents)
        .set({ removedFromOutlookAt: null, syncStatus: "synced", syncError: null })
        .where(eq(agendaEvents.id, row.id));
    } else if (row.source === "formation" || !loser) {
      throw new DomainError("EVENT_READ_ONLY", { id: row.id });
    } else {
      await tx.update(agendaEvents).set(restoring(row, loser)).where(eq(agendaEvents.id, row.id));
    }
    const [resolved] = await tx
      .update(syncConflicts)
      .set({ resolvedWith, resolvedAt: sql`now()`, reviewedAt: sql`coalesce(${syncConflicts.reviewedAt}, now())` })
      .where(eq(syncConflicts.id, id))
      .returning({ resolvedAt: syncConflicts.resolvedAt });
    await recordAudit(tx, {
      userId: ownerId,
      actorUserId: ownerId,
      integrationId: conflict.integrationId,
      action: "outlook.conflict_resolved",
      outcome: "success",
      subject: { type: "agenda_event", id: row.id, label: row.title },
      detail: { conflictId: id, kind: conflict.kind, kept: resolvedWith },
    });
    await publishIntegrationStatus(tx, ownerId);
    return {
      id,
      resolvedWith,
      resolvedAt: (resolved?.resolvedAt ?? new Date()).toISOString(),
      eventId: row.id,
    };
  });
}
