import { useQueryClient } from "@tanstack/react-query";
import { trpc } from "../api/trpc";
import { storeSessionToken } from "./session-store";

/** Demo sign-in: the server stands in for the platform and hands out a session token for a demo user. */
export function useDemoSignIn() {
  const queryClient = useQueryClient();
  return trpc.demo.signIn.useMutation({
    onSuccess: ({ token }) => {
      queryClient.clear();
      storeSessionToken(token);
    },
  });
}

/** Forgets the token and everything cached for this person, so the next one sees none of it. */
export function useSignOut(): () => void {
  const queryClient = useQueryClient();
  return () => {
    storeSessionToken(null);
    queryClient.clear();
  };
}
