import { createEvent, createEventInput, deleteEvent, eventIdInput, getEvent, listEvents, listEventsInput, updateEvent, updateEventInput } from "@agenda/domain/events";
import { router, userProcedure } from "../trpc";

/** The signed-in user's own agenda events. */
export const eventsRouter = router({
  list: userProcedure.input(listEventsInput).query(({ ctx, input }) => listEvents(ctx.db, ctx.user.id, input)),
  get: userProcedure.input(eventIdInput).query(({ ctx, input }) => getEvent(ctx.db, ctx.user.id, input.id)),
  create: userProcedure.input(createEventInput).mutation(({ ctx, input }) => createEvent(ctx.db, ctx.user, input)),
  update: userProcedure.input(updateEventInput).mutation(({ ctx, input }) => updateEvent(ctx.db, ctx.user.id, input)),
  delete: userProcedure.input(eventIdInput).mutation(({ ctx, input }) => deleteEvent(ctx.db, ctx.user.id, input.id)),
});
