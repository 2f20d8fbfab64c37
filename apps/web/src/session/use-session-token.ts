import { useSyncExternalStore } from "react";
import { readSessionToken, subscribeToSessionToken } from "./session-store";

export function useSessionToken(): string | null {
  return useSyncExternalStore(subscribeToSessionToken, readSessionToken);
}
