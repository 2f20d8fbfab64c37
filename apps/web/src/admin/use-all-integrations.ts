import { trpc } from "../api/trpc";

/** Every user's calendar integration (the API refuses anyone but administrators). */
export function useAllIntegrations() {
  return trpc.integrations.all.useQuery();
}
