import { trpc } from "../api/trpc";

/** After a sync the person asked for, everything it may have changed is read again. */
function useReloadAfterSync() {
  const utils = trpc.useUtils();
  return () => Promise.all([utils.sync.invalidate(), utils.events.invalidate(), utils.integrations.invalidate()]);
}

/** "Importer les événements": imports the connected Outlook now and says what changed. */
export function useImportNow() {
  const reload = useReloadAfterSync();
  return trpc.sync.importNow.useMutation({ onSuccess: reload });
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
