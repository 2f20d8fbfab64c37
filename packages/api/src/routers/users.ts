import { platformUserIdInput, setUserDeactivated } from "@agenda/domain/users";
import { publishIntegrationStatus } from "@agenda/sync/integration-status";
import { router, userAdministrationProcedure } from "../trpc";

/** What the platform tells Agenda about its people's access: someone left, or came back. */
export const usersRouter = router({
  /** From now on no token of theirs is accepted; their open status streams hear of it and end. */
  deactivate: userAdministrationProcedure.input(platformUserIdInput).mutation(async ({ ctx, input }) => {
    const result = await setUserDeactivated(ctx.db, ctx.viewer, input.platformUserId, true);
    await publishIntegrationStatus(ctx.db, result.userId);
    return result;
  }),
  reactivate: userAdministrationProcedure
    .input(platformUserIdInput)
    .mutation(({ ctx, input }) => setUserDeactivated(ctx.db, ctx.viewer, input.platformUserId, false)),
});
