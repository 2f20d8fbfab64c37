import {
  createServiceTokenInput,
  issueServiceToken,
  listServiceTokens,
  listServiceTokensInput,
  revokeServiceToken,
  serviceTokenIdInput,
} from "@agenda/domain/service-tokens";
import { adminProcedure, router } from "../trpc";

/** The tokens other internal apps call with, managed by administrators; each creation and revocation is audited. */
export const serviceTokensRouter = router({
  list: adminProcedure.input(listServiceTokensInput).query(({ ctx, input }) => listServiceTokens(ctx.db, input)),
  /** The clear token is in this answer and nowhere else, ever. */
  create: adminProcedure
    .input(createServiceTokenInput)
    .mutation(({ ctx, input }) => issueServiceToken(ctx.db, ctx.viewer, input)),
  revoke: adminProcedure
    .input(serviceTokenIdInput)
    .mutation(({ ctx, input }) => revokeServiceToken(ctx.db, ctx.viewer, input.id)),
});
