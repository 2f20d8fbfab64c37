import { SYNC_QUEUES } from "@agenda/sync/sync-queue";
import { listSyncRuns, listSyncRunsInput } from "@agenda/sync/sync-runs";
import { z } from "zod";
import { ApiError, adminProcedure, router, syncProcedure, userProcedure } from "../trpc";

/** Syncing the signed-in user's Outlook now, what past runs did, and (admins) jobs that failed for good. */
export const syncRouter = router({
  importNow: syncProcedure.mutation(({ ctx }) => ctx.sync.importNow(ctx.user.id)),
  exportFormation: syncProcedure.input(z.object({ formationId: z.uuid() })).mutation(({ ctx, input }) => ctx.sync.exportFormationNow(ctx.user.id, input.formationId)),
  runs: userProcedure.input(listSyncRunsInput).query(({ ctx, input }) => listSyncRuns(ctx.db, ctx.user.id, input.limit)),
  failedJobs: adminProcedure.query(async ({ ctx }) => (await ctx.sync?.queue?.failedJobs()) ?? []),
  retryJob: adminProcedure
    .input(z.object({ queue: z.enum([SYNC_QUEUES.import, SYNC_QUEUES.export]), id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const queue = ctx.sync?.queue;
      if (!queue) throw new ApiError("OUTLOOK_UNAVAILABLE", ctx.locale);
      await queue.retryJob(input.queue, input.id);
      return { retried: input.id };
    }),
});
