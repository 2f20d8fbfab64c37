import { trpc } from "../api/trpc";

/** The person's private calendar feed: its links, or `{ enabled: false }`. */
export function useCalendarFeed() {
  return trpc.feeds.get.useQuery();
}

/** Each change answers the feed as it now is: the page shows it without asking again. */
function useFeedChange() {
  const utils = trpc.useUtils();
  return {
    onSuccess: (feed: Awaited<ReturnType<typeof utils.feeds.get.fetch>>) => utils.feeds.get.setData(undefined, feed),
  };
}

/** Turns the feed on, or replaces its address (the former one stops working at once). */
export function useRotateCalendarFeed() {
  return trpc.feeds.rotate.useMutation(useFeedChange());
}

export function useUpdateCalendarFeedSettings() {
  return trpc.feeds.updateSettings.useMutation(useFeedChange());
}

export function useDeleteCalendarFeed() {
  const utils = trpc.useUtils();
  return trpc.feeds.delete.useMutation({ onSuccess: () => utils.feeds.get.setData(undefined, { enabled: false }) });
}
