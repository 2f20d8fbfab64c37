import {
  calendarFeedLinks,
  calendarFeedSettingsInput,
  deleteCalendarFeed,
  formationIcs,
  formationIcsInput,
  getCalendarFeed,
  issueCalendarFeedSecret,
  updateCalendarFeedSettings,
  type CalendarFeed,
} from "@agenda/domain/calendar-feeds";
import type { User } from "@agenda/domain/users";
import { formationLink } from "@agenda/domain/links";
import { calendarFeedProcedure, router, type CalendarFeedSettings } from "../trpc";

/** What the person is shown of their feed: its links and setting, or that it is off. */
function feedView(settings: CalendarFeedSettings, feed: CalendarFeed | null, user: User) {
  if (!feed) return { enabled: false as const };
  return {
    enabled: true as const,
    ...calendarFeedLinks(settings.origin, feed, user.locale),
    includePersonalEvents: feed.includePersonalEvents,
    secretIssuedAt: feed.secretIssuedAt,
  };
}

/** The signed-in person's private calendar feed, and their formations as `.ics` files. */
export const feedsRouter = router({
  get: calendarFeedProcedure.query(async ({ ctx }) =>
    feedView(ctx.calendarFeeds, await getCalendarFeed(ctx.db, ctx.calendarFeeds.sealer, ctx.user.id), ctx.user),
  ),
  /** Turns the feed on, or gives it a new address: the former one answers 404 at once. */
  rotate: calendarFeedProcedure.mutation(async ({ ctx }) => {
    const feed = await issueCalendarFeedSecret(ctx.db, ctx.calendarFeeds.sealer, {
      userId: ctx.user.id,
      requestId: ctx.requestId,
    });
    return feedView(ctx.calendarFeeds, feed, ctx.user);
  }),
  updateSettings: calendarFeedProcedure.input(calendarFeedSettingsInput).mutation(async ({ ctx, input }) => {
    const feed = await updateCalendarFeedSettings(
      ctx.db,
      ctx.calendarFeeds.sealer,
      { userId: ctx.user.id, requestId: ctx.requestId },
      input,
    );
    return feedView(ctx.calendarFeeds, feed, ctx.user);
  }),
  /** Turns the feed off: its address answers 404 from now on. */
  delete: calendarFeedProcedure.mutation(({ ctx }) =>
    deleteCalendarFeed(ctx.db, { userId: ctx.user.id, requestId: ctx.requestId }),
  ),
  /** One formation as an `.ics` file ("Ajouter à mon calendrier"), the text made here so no client ships a calendar library. */
  formationIcs: calendarFeedProcedure.input(formationIcsInput).query(({ ctx, input }) =>
    formationIcs(ctx.db, ctx.viewer, input.formationId, {
      formationLink: (id) => formationLink(ctx.calendarFeeds.platformUrl, id),
      locale: ctx.user.locale,
    }),
  ),
});
