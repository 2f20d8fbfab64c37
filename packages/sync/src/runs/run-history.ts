import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, syncRuns } from "@agenda/db/schema";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";

/** The error of a run its process abandoned (stopped mid-run), set by the next run of the mailbox. */
export const INTERRUPTED_RUN = "interrupted: its process stopped before the run ended";

export const listSyncRunsInput = z.object({ limit: z.int().min(1).max(200).default(20) });

export interface SyncRunView {
  id: string;
  kind: (typeof syncRuns.$inferSelect)["kind"];
  trigger: (typeof syncRuns.$inferSelect)["trigger"];
  status: (typeof syncRuns.$inferSelect)["status"];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  created: number;
  updated: number;
  deleted: number;
  requests: number;
  throttled: number;
  issues: (typeof syncRuns.$inferSelect)["issues"];
  error: string | null;
}

type SyncRunRow = typeof syncRuns.$inferSelect;

function syncRunView(run: SyncRunRow): SyncRunView {
  return {
    id: run.id,
    kind: run.kind,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    created: run.created,
    updated: run.updated,
    deleted: run.deleted,
    requests: run.requests,
    throttled: run.throttled,
    issues: run.issues,
    error: run.error,
  };
}

/** The user's most recent sync runs, newest first. */
export async function listSyncRuns(db: DatabaseOrTransaction, userId: string, limit: number): Promise<SyncRunView[]> {
  const rows = await db
    .select({ run: syncRuns })
    .from(syncRuns)
    .innerJoin(calendarIntegrations, eq(calendarIntegrations.id, syncRuns.integrationId))
    .where(eq(calendarIntegrations.userId, userId))
    .orderBy(desc(syncRuns.startedAt))
    .limit(limit);
  return rows.map(({ run }) => syncRunView(run));
}

/** One integration's most recent sync runs, newest first (for administrators). */
export async function listIntegrationSyncRuns(
  db: DatabaseOrTransaction,
  integrationId: string,
  limit: number,
): Promise<SyncRunView[]> {
  const rows = await db
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.integrationId, integrationId))
    .orderBy(desc(syncRuns.startedAt))
    .limit(limit);
  return rows.map(syncRunView);
}
