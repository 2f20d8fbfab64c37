import { trpc } from "../api/trpc";

/** Every service token, without secrets (the API refuses anyone but administrators). */
export function useServiceTokens() {
  return trpc.serviceTokens.list.useQuery({});
}

/** Creates a token; its answer holds the token itself, the only time it is shown. */
export function useCreateServiceToken() {
  const utils = trpc.useUtils();
  return trpc.serviceTokens.create.useMutation({ onSuccess: () => utils.serviceTokens.list.invalidate() });
}

export function useRevokeServiceToken() {
  const utils = trpc.useUtils();
  return trpc.serviceTokens.revoke.useMutation({ onSuccess: () => utils.serviceTokens.list.invalidate() });
}
