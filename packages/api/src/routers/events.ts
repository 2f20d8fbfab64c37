import {
  createEvent,
  createEventInput,
  deleteEvent,
  eventIdInput,
  getEvent,
  listEvents,
  listEventsInput,
  updateEvent,
  updateEventInput,
} from "@agenda/domain/events";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import type { User } from "@agenda/domain/users";
import { router, userProcedure, type Context } from "../trpc";

/**
 * A change to the user's events, and the export that sends it to their Outlook, in one transaction: the change is
 * never saved without its export queued, nor the export queued for a change that failed.
 */
function withExport<T>(
  ctx: Pick<Context, "db" | "sync"> & { user: User },
  change: (tx: DatabaseOrTransaction) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const result = await change(tx);
    await ctx.sync?.engine.eventChanged(tx, ctx.user.id);
    return result;
  });
}

/** The signed-in user's own agenda events; every change is on its way to their Outlook at once. */
export const eventsRouter = router({
  list: userProcedure.input(listEventsInput).query(({ ctx, input }) => listEvents(ctx.db, ctx.user.id, input)),
  get: userProcedure.input(eventIdInput).query(({ ctx, input }) => getEvent(ctx.db, ctx.user.id, input.id)),
  create: userProcedure
    .input(createEventInput)
    .mutation(({ ctx, input }) => withExport(ctx, (tx) => createEvent(tx, ctx.user, input))),
  update: userProcedure
    .input(updateEventInput)
    .mutation(({ ctx, input }) => withExport(ctx, (tx) => updateEvent(tx, ctx.user.id, input))),
  delete: userProcedure
    .input(eventIdInput)
    .mutation(({ ctx, input }) => withExport(ctx, (tx) => deleteEvent(tx, ctx.user.id, input.id))),
});
