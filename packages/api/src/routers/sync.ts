import { listConflicts, listConflictsInput, reviewConflict, reviewConflictInput } from "@agenda/sync/conflicts";
import { resolveConflict, resolveConflictInput } from "@agenda/sync/conflict-resolution";
import { formationOutlookStates } from "@agenda/sync/formation-outlook-states";
import { SYNC_QUEUES } from "@agenda/sync/sync-queue";
import { listSyncRuns, listSyncRunsInput } from "@agenda/sync/run-history";
import { actorOf, recordAudit } from "@agenda/domain/audit";
import { issueStreamTicket } from "@agenda/domain/stream-tickets";
import { z } from "zod";
import { ApiError, adminProcedure, router, streamProcedure, syncProcedure, userProcedure } from "../trpc";

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Syncing the signed-in user's Outlook now, what past runs did, and (admins) jobs that failed for good. */
export const syncRouter = router({
  importNow: syncProcedure.mutation(({ ctx }) => ctx.sync.engine.importNow(ctx.user.id)),
  exportFormation: syncProcedure
    .input(z.object({ formationId: z.uuid() }))
    .mutation(({ ctx, input }) => ctx.sync.engine.exportFormationNow(ctx.user.id, input.formationId)),
  runs: userProcedure
    .input(listSyncRunsInput)
    .query(({ ctx, input }) => listSyncRuns(ctx.db, ctx.user.id, input.limit)),
  /**
   * A single-use ticket, valid for a minute, that opens the caller's `onStatus` stream: browsers' EventSource puts
   * credentials in the URL, where a ticket is all a log or a history can keep, never the session token.
   */
  statusTicket: userProcedure.mutation(({ ctx }) =>
    issueStreamTicket(ctx.db, { userId: ctx.user.id, purpose: "sync.onStatus", sessionExpiresAt: ctx.tokenExpiresAt }),
  ),
  /**
   * The caller's integration status: the current one first, then one per change, until the client goes away or the
   * credential that opened the stream expires. Then it ends with TOKEN_EXPIRED, for the client to open it again with
   * a fresh ticket: a stream must not outlive the credentials that authorised it. A person the platform deactivates
   * has their stream ended with USER_DEACTIVATED.
   */
  onStatus: streamProcedure.subscription(async function* ({ ctx, signal }) {
    if (!ctx.statusFeed || !signal) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
    const tokenExpired = new AbortController();
    // setTimeout waits at most ~24.8 days: the stream of a longer-lived token ends then, and is simply opened again.
    const expiryTimer = setTimeout(
      () => tokenExpired.abort(),
      Math.min(ctx.tokenExpiresAt.getTime() - Date.now(), MAX_TIMER_MS),
    );
    try {
      yield* ctx.statusFeed.statuses(ctx.user.id, AbortSignal.any([signal, tokenExpired.signal]));
    } finally {
      clearTimeout(expiryTimer);
    }
    if (signal.aborted) return;
    throw new ApiError(tokenExpired.signal.aborted ? "TOKEN_EXPIRED" : "USER_DEACTIVATED", ctx.locale);
  }),
  /** Conflicts the sync resolved for the caller, newest first: both versions, and which one was kept. */
  conflicts: userProcedure
    .input(listConflictsInput)
    .query(({ ctx, input }) => listConflicts(ctx.db, ctx.user.id, input)),
  reviewConflict: userProcedure
    .input(reviewConflictInput)
    .mutation(({ ctx, input }) => reviewConflict(ctx.db, ctx.user.id, input.id)),
  /**
   * "Keep this version instead": the caller takes back the version one of their conflicts set aside; the agenda takes
   * it and an export, queued with the change, writes it to Outlook.
   */
  resolveConflict: userProcedure.input(resolveConflictInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const resolution = await resolveConflict(tx, ctx.user.id, input.id);
      await ctx.sync?.engine.eventChanged(tx, ctx.user.id);
      return resolution;
    }),
  ),
  /** The caller's current and upcoming formations and where each stands in their Outlook. */
  formations: userProcedure.query(({ ctx }) => formationOutlookStates(ctx.db, ctx.user.id)),
  failedJobs: adminProcedure.query(async ({ ctx }) => (await ctx.sync?.queue.failedJobs()) ?? []),
  retryJob: adminProcedure
    .input(z.object({ queue: z.enum([SYNC_QUEUES.import, SYNC_QUEUES.export]), id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.sync) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
      await ctx.sync.queue.retryJob(input.queue, input.id);
      await recordAudit(ctx.db, {
        ...actorOf(ctx.viewer),
        action: "admin.job_retried",
        outcome: "success",
        subject: { type: "job", id: input.id, label: input.queue },
      });
      return { retried: input.id };
    }),
});
