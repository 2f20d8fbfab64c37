import { formationIdInput, getFormation, listFormations, listFormationsInput, upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { authedProcedure, router } from "../trpc";

/** Formations as each caller may see them: learners their enrolments, trainers theirs, admins and services all. */
export const formationsRouter = router({
  list: authedProcedure.input(listFormationsInput).query(({ ctx, input }) => listFormations(ctx.db, ctx.viewer, input)),
  get: authedProcedure.input(formationIdInput).query(({ ctx, input }) => getFormation(ctx.db, ctx.viewer, input.id)),
  upsert: authedProcedure.input(upsertFormationInput).mutation(async ({ ctx, input }) => {
    const formation = await upsertFormation(ctx.db, ctx.viewer, input);
    await ctx.sync?.formationChanged(formation.id);
    return formation;
  }),
});
