import type { Integration } from "../api/trpc";
import { useCurrentUser } from "../session/current-user";
import { ConflictsToReview } from "./conflicts-to-review";
import { FormationsInOutlook } from "./formations-in-outlook";
import { ImportNowPanel } from "./import-now-panel";
import { RecentSyncRuns } from "./sync-runs-table";

/**
 * What the sync does with the connected Outlook: "Importer les événements", the formations and their copies, the
 * conflicts to review and the recent runs. Nothing to show before Outlook is connected.
 */
export function SyncActivitySection({ integration }: { integration: Integration | null }) {
  const { timeZone } = useCurrentUser();
  if (!integration || integration.status === "disconnected") return null;
  return (
    <>
      <ImportNowPanel />
      <FormationsInOutlook timeZone={timeZone} />
      <ConflictsToReview timeZone={timeZone} />
      <RecentSyncRuns timeZone={timeZone} />
    </>
  );
}
