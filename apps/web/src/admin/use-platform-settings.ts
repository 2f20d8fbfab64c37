import { trpc } from "../api/trpc";

/** The settings administrators choose for the whole platform (the API refuses anyone else). */
export function usePlatformSettings() {
  return trpc.platformSettings.get.useQuery();
}

/** Changes them; the exports the change calls for are queued by the server with it. */
export function useChangePlatformSettings() {
  const utils = trpc.useUtils();
  return trpc.platformSettings.update.useMutation({
    onSuccess: (settings) => utils.platformSettings.get.setData(undefined, settings),
  });
}
