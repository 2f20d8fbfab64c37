import { useEffect, useRef, useState } from "react";
import { trpc } from "../api/trpc";
import { useSyncStatus } from "../api/use-sync-status";
import { followedImport, type AskedImport } from "./followed-import";

/** After a sync the person asked for, everything it may have changed is read again. */
function useReloadAfterSync() {
  const utils = trpc.useUtils();
  return () => Promise.all([utils.sync.invalidate(), utils.events.invalidate(), utils.integrations.invalidate()]);
}

/**
 * "Importer les événements": queues an import of the connected Outlook and follows it on the live status, its
 * counts growing page by page; once it has ended, everything it may have changed is read again.
 */
export function useImportNow() {
  const reload = useReloadAfterSync();
  const { status } = useSyncStatus();
  const [asked, setAsked] = useState<AskedImport | null>(null);
  const mutation = trpc.sync.importNow.useMutation({
    onMutate: () => setAsked(null),
    onSuccess: ({ runId }) => setAsked({ runId, previousRunId: askedFrom.current }),
  });
  // The latest import when the person clicked: read then, not when the answer comes (the run may have begun by then).
  const askedFrom = useRef<string | null>(null);
  const followed = asked ? followedImport(asked, status?.importRun) : null;
  const endedRunId = followed && followed.stage !== "queued" && followed.stage !== "running" ? followed.run.id : null;
  const reloadedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!endedRunId || reloadedFor.current === endedRunId) return;
    reloadedFor.current = endedRunId;
    void reload();
  });
  const ask = () => {
    askedFrom.current = status?.importRun?.id ?? null;
    mutation.mutate();
  };
  return { ask, pending: mutation.isPending, error: mutation.error, followed };
}

export function useSyncRuns() {
  return trpc.sync.runs.useQuery({ limit: 10 });
}

/** The person's upcoming formations with the state of their Outlook copies. */
export function useSyncFormations() {
  return trpc.sync.formations.useQuery();
}

/** "Exporter vers Outlook", and "Ajouter à nouveau" for a copy the person had deleted in Outlook. */
export function useExportFormation() {
  const reload = useReloadAfterSync();
  return trpc.sync.exportFormation.useMutation({ onSuccess: reload });
}

/** The conflicts the sync settled that the person has not marked as seen. */
export function useSyncConflicts() {
  return trpc.sync.conflicts.useQuery({});
}

/** "Keep this version instead": the version the sync set aside comes back, in the agenda and then in Outlook. */
export function useResolveConflict() {
  const utils = trpc.useUtils();
  return trpc.sync.resolveConflict.useMutation({
    onSuccess: () =>
      Promise.all([utils.sync.conflicts.invalidate(), utils.sync.formations.invalidate(), utils.events.invalidate()]),
  });
}

export function useReviewConflict() {
  const utils = trpc.useUtils();
  return trpc.sync.reviewConflict.useMutation({
    onSuccess: () => Promise.all([utils.sync.conflicts.invalidate(), utils.sync.formations.invalidate()]),
  });
}
