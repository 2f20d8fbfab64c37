import { trpc } from "../api/trpc";

/** Every user's calendar integration, or only those needing attention (the API refuses anyone but administrators). */
export function useAllIntegrations(needsAttention = false) {
  return trpc.integrations.all.useQuery({ needsAttention });
}

/** An integration's latest runs; polled while the panel showing them is open, so a resync's run appears. */
export function useIntegrationRuns(id: string) {
  return trpc.integrations.runs.useQuery({ id, limit: 10 }, { refetchInterval: 2_000 });
}

/** "Resynchroniser" (or in full): its import is queued; the runs and the list are read again. */
export function useResyncIntegration() {
  const utils = trpc.useUtils();
  return trpc.integrations.resync.useMutation({ onSuccess: () => utils.integrations.invalidate() });
}

/** "Déconnecter pour l'utilisateur", with the reason they will read. */
export function useDisconnectIntegrationForUser() {
  const utils = trpc.useUtils();
  return trpc.integrations.disconnectForUser.useMutation({ onSuccess: () => utils.integrations.invalidate() });
}
