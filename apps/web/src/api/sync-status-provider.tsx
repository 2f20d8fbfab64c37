import { useEffect, useRef, useState, type ReactNode } from "react";
import { storeSessionToken } from "../session/session-store";
import { useSessionToken } from "../session/use-session-token";
import { isAuthFailure, isClientError } from "./api-error";
import { trpc, type SyncStatus } from "./trpc";
import { LiveSyncStatusContext, NOT_LIVE, type LiveSyncStatus } from "./use-sync-status";

/** After a server-side failure the stream is opened again this much later (the browser itself retries lost connections). */
const RETRY_AFTER_MS = 10_000;

/**
 * One `sync.onStatus` stream for the signed-in person, reporting each status and whether it is live. Any status but
 * "syncing" after the first one says something changed (the server sends no repeats): a sync ended, the connection
 * or its settings changed, and what the settings and sync pages show is read again. The agenda is read again only
 * when the stream says events changed (`eventsChanged`), on screen or not yet, so an Outlook change shows in it
 * without a reload, and a poll or an export that changed nothing costs no request.
 */
function StatusStream({ onChange }: { onChange: (live: LiveSyncStatus) => void }) {
  const utils = trpc.useUtils();
  const previous = useRef<SyncStatus | undefined>(undefined);
  const { status, data, error, reset } = trpc.sync.onStatus.useSubscription(undefined, {
    onData: (next) => {
      if (next.eventsChanged) void utils.events.invalidate();
      if (previous.current && next.state !== "syncing")
        void Promise.all([utils.integrations.list.invalidate(), utils.sync.invalidate()]);
      previous.current = next;
    },
  });
  useEffect(() => onChange({ status: data, connected: status === "pending" }), [data, status, onChange]);
  useEffect(() => {
    if (status !== "error") return;
    if (isAuthFailure(error)) {
      storeSessionToken(null);
      return;
    }
    if (isClientError(error)) return;
    const retry = setTimeout(reset, RETRY_AFTER_MS);
    return () => clearTimeout(retry);
  }, [status, error, reset]);
  return null;
}

/**
 * Shares one live status stream among every component that shows it (each would otherwise hold a connection of its
 * own). The stream is opened again for each session token: a stream belongs to the person who opened it.
 */
export function SyncStatusProvider({ children }: { children: ReactNode }) {
  const token = useSessionToken();
  const [live, setLive] = useState<LiveSyncStatus>(NOT_LIVE);
  return (
    <LiveSyncStatusContext.Provider value={token ? live : NOT_LIVE}>
      {token && <StatusStream key={token} onChange={setLive} />}
      {children}
    </LiveSyncStatusContext.Provider>
  );
}
