import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Integration } from "../api/trpc";
import { ErrorAlert } from "../ui/error-alert";
import { OutlookCalendarsFieldset } from "./outlook-calendars-fieldset";
import { confirmationFor, type SettingsConfirmation } from "./settings-confirmation";
import { SettingsConfirmationDialog } from "./settings-confirmation-dialog";
import { SyncOptionsFieldset } from "./sync-options-fieldset";
import { useOutlookCalendars, useUpdateOutlookSettings, type SettingsChange } from "./use-outlook-integration";

/**
 * What is synced with the connected Outlook account; every change is saved as it is made, after a confirmation when it
 * takes events out of the agenda or turns export off.
 */
export function OutlookSyncSettings({ integration }: { integration: Integration }) {
  const { t } = useTranslation();
  const update = useUpdateOutlookSettings();
  const calendars = useOutlookCalendars();
  const [confirmation, setConfirmation] = useState<SettingsConfirmation | null>(null);
  const change = (settings: SettingsChange) => {
    const defaultCalendarId = calendars.data?.find((calendar) => calendar.isDefault)?.id;
    const asked = confirmationFor(integration, settings, defaultCalendarId);
    if (asked) setConfirmation(asked);
    else update.mutate(settings);
  };
  return (
    <>
      <SyncOptionsFieldset integration={integration} onChange={change} />
      <OutlookCalendarsFieldset integration={integration} onChange={change} />
      <p role="status" className="hint">
        {update.isPending ? t("syncOptions.saving") : update.isSuccess ? t("syncOptions.saved") : ""}
      </p>
      <ErrorAlert error={update.error} />
      <SettingsConfirmationDialog
        confirmation={confirmation}
        onConfirm={(confirmed) => {
          setConfirmation(null);
          update.mutate(confirmed);
        }}
        onClose={() => setConfirmation(null)}
      />
    </>
  );
}
