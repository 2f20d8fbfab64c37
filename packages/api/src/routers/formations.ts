import {
  formationIdInput,
  getFormation,
  listFormations,
  listFormationsInput,
  upsertFormation,
  upsertFormationInput,
} from "@agenda/domain/formations";
import { authedProcedure, router } from "../trpc";

/** Formations as each caller may see them: learners their enrolments, trainers theirs, admins and services all. */
export const formationsRouter = router({
  list: authedProcedure.input(listFormationsInput).query(({ ctx, input }) => listFormations(ctx.db, ctx.viewer, input)),
  get: authedProcedure.input(formationIdInput).query(({ ctx, input }) => getFormation(ctx.db, ctx.viewer, input.id)),
  /** The formation, its participants' agenda events and their exports change in one transaction. */
  upsert: authedProcedure.input(upsertFormationInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const formation = await upsertFormation(tx, ctx.viewer, input);
      await ctx.sync?.engine.formationChanged(tx, formation.id);
      return formation;
    }),
  ),
});
