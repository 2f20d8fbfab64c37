import { trpc } from "../api/trpc";

/** Who the API sees behind the session token, when there is one. */
export function useMe(token: string | null) {
  return trpc.me.useQuery(undefined, { enabled: Boolean(token) });
}
