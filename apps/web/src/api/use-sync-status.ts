import { createContext, useContext } from "react";
import type { SyncStatus } from "./trpc";

export interface LiveSyncStatus {
  /** The latest status streamed; undefined until the first arrives (or when signed out). */
  status: SyncStatus | undefined;
  /** The stream is open: `status` is current. */
  connected: boolean;
}

export const NOT_LIVE: LiveSyncStatus = { status: undefined, connected: false };

export const LiveSyncStatusContext = createContext<LiveSyncStatus>(NOT_LIVE);

/** The signed-in person's Outlook sync status, live from `sync.onStatus` (see `SyncStatusProvider`). */
export function useSyncStatus(): LiveSyncStatus {
  return useContext(LiveSyncStatusContext);
}
