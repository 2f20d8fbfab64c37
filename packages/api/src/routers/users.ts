import { platformUserIdInput, searchUsers, searchUsersInput, setUserDeactivated } from "@agenda/domain/users";
import { publishIntegrationStatus } from "@agenda/sync/integration-status";
import { router, userAdministrationProcedure, userProcedure } from "../trpc";

/** What the platform tells Agenda about its people's access (someone left, or came back), and finding them to enrol. */
export const usersRouter = router({
  /** Trainers and admins find people to enrol by a part of their name or e-mail; learners and apps may not. */
  search: userProcedure.input(searchUsersInput).query(({ ctx, input }) => searchUsers(ctx.db, ctx.viewer, input)),
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
