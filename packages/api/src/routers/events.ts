import { createEvent, createEventInput, deleteEvent, eventIdInput, getEvent, listEvents, listEventsInput, updateEvent, updateEventInput } from "@agenda/domain/events";
import { router, userProcedure } from "../trpc";

/** The signed-in user's own agenda events; every change is on its way to their Outlook at once. */
export const eventsRouter = router({
  list: userProcedure.input(listEventsInput).query(({ ctx, input }) => listEvents(ctx.db, ctx.user.id, input)),
  get: userProcedure.input(eventIdInput).query(({ ctx, input }) => getEvent(ctx.db, ctx.user.id, input.id)),
  create: userProcedure.input(createEventInput).mutation(async ({ ctx, input }) => {
    const event = await createEvent(ctx.db, ctx.user, input);
    await ctx.sync?.eventChanged(ctx.user.id);
    return event;
  }),
  update: userProcedure.input(updateEventInput).mutation(async ({ ctx, input }) => {
    const event = await updateEvent(ctx.db, ctx.user.id, input);
    await ctx.sync?.eventChanged(ctx.user.id);
    return event;
  }),
  delete: userProcedure.input(eventIdInput).mutation(async ({ ctx, input }) => {
    const deleted = await deleteEvent(ctx.db, ctx.user.id, input.id);
    await ctx.sync?.eventChanged(ctx.user.id);
    return deleted;
  }),
});
