import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, syncCursors } from "@agenda/db/schema";
import { actorOf, recordAudit } from "@agenda/domain/audit";
import { DomainError } from "@agenda/domain/errors";
import type { Viewer } from "@agenda/domain/viewer";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { OutlookServices } from "./connection/outlook-services";
import { disconnectOutlook } from "./connection/outlook-connection";
import type { SyncQueue } from "./jobs/sync-queue";
import { listIntegrationSyncRuns, type SyncRunView } from "./runs/run-history";

/** What administrators do to one user's integration, by its id: resync it, read its runs, disconnect it for the user. */

export const resyncIntegrationInput = z.object({
  id: z.uuid(),
  /** Forget the delta cursors: every imported calendar is read again in full (matched, never duplicated). */
  full: z.boolean().default(false),
});

export const disconnectIntegrationForUserInput = z.object({
  id: z.uuid(),
  /** Shown to the user in their settings: why their Outlook was disconnected. */
  reason: z.string().trim().min(1).max(500),
  /** Also delete from Outlook the formations this product put there. */
  removeExportedFormations: z.boolean().default(false),
});

export const listIntegrationRunsInput = z.object({
  id: z.uuid(),
  limit: z.int().min(1).max(100).default(20),
});

type IntegrationRow = typeof calendarIntegrations.$inferSelect;

async function integrationById(db: DatabaseOrTransaction, id: string): Promise<IntegrationRow> {
  const [row] = await db.select().from(calendarIntegrations).where(eq(calendarIntegrations.id, id));
  if (!row) throw new DomainError("INTEGRATION_NOT_FOUND", { id });
  return row;
}

function connected(row: IntegrationRow): IntegrationRow {
  if (row.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
  return row;
}

/**
 * Queues an import of the integration now, as its job (a job already waiting absorbs it). A full resync first drops
 * the delta cursors, so the import reads every calendar again in full: events already in the agenda are matched by
 * their Outlook id and refreshed, those Outlook no longer has are removed. Audited with the administrator as actor.
 */
export async function resyncIntegration(
  db: DatabaseOrTransaction,
  queue: SyncQueue,
  admin: Viewer,
  input: z.output<typeof resyncIntegrationInput>,
): Promise<{ integrationId: string; full: boolean; queued: boolean }> {
  const integration = connected(await integrationById(db, input.id));
  // The user must sign in again: an import would only fail the same way.
  if (integration.status === "needs_reauth")
    throw new DomainError("OUTLOOK_NEEDS_REAUTH", { reason: integration.statusReason ?? "" });
  const jobs = await db.transaction(async (tx) => {
    // An import running meanwhile finds its cursor gone and stores nothing: the queued one starts over.
    if (input.full) await tx.delete(syncCursors).where(eq(syncCursors.integrationId, integration.id));
    const queued = await queue.enqueueImports(tx, [integration.id], "manual");
    await recordAudit(tx, {
      ...actorOf(admin),
      userId: integration.userId,
      integrationId: integration.id,
      action: "admin.integration_resynced",
      outcome: "success",
      detail: { full: input.full },
    });
    return queued;
  });
  return { integrationId: integration.id, full: input.full, queued: jobs.length > 0 };
}

/**
 * Disconnects a user's Outlook for them, exactly as their own disconnection does, with the administrator's reason
 * kept for the user to read (their status says it until they connect again) and in the audit log.
 */
export async function disconnectIntegrationForUser(
  services: OutlookServices,
  adminUserId: string,
  input: z.output<typeof disconnectIntegrationForUserInput>,
): Promise<{ removedFromOutlook: number; notRemovedFromOutlook: number }> {
  const integration = connected(await integrationById(services.db, input.id));
  return disconnectOutlook(
    services,
    integration.userId,
    { removeExportedFormations: input.removeExportedFormations },
    { adminUserId, reason: input.reason },
  );
}

/** An integration's latest sync runs, newest first, with their counts, issues and errors. */
export async function listIntegrationRuns(
  db: DatabaseOrTransaction,
  input: z.output<typeof listIntegrationRunsInput>,
): Promise<SyncRunView[]> {
  const integration = await integrationById(db, input.id);
  return listIntegrationSyncRuns(db, integration.id, input.limit);
}
