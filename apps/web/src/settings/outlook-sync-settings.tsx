import { useTranslation } from "react-i18next";
import type { Integration } from "../api/trpc";
import { ErrorAlert } from "../ui/error-alert";
import { OutlookCalendarsFieldset } from "./outlook-calendars-fieldset";
import { SyncOptionsFieldset } from "./sync-options-fieldset";
import { useUpdateOutlookSettings } from "./use-outlook-integration";

/** What is synced with the connected Outlook account; every change is saved as it is made. */
export function OutlookSyncSettings({ integration }: { integration: Integration }) {
  const { t } = useTranslation();
  const update = useUpdateOutlookSettings();
  return (
    <>
      <SyncOptionsFieldset integration={integration} onChange={(change) => update.mutate(change)} />
      <OutlookCalendarsFieldset integration={integration} onChange={(change) => update.mutate(change)} />
      <p role="status" className="hint">
        {update.isPending ? t("syncOptions.saving") : update.isSuccess ? t("syncOptions.saved") : ""}
      </p>
      <ErrorAlert error={update.error} />
    </>
  );
}
