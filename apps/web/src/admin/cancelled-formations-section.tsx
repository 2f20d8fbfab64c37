import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CancelledFormationsInOutlook } from "../api/trpc";
import { ErrorAlert } from "../ui/error-alert";
import { useChangePlatformSettings, usePlatformSettings } from "./use-platform-settings";

const CHOICES: readonly CancelledFormationsInOutlook[] = ["mark", "delete"];

interface CancelledFormationsChoiceProps {
  value: CancelledFormationsInOutlook;
  /** A change is being saved: others wait for it (the radios stay enabled, so keyboard focus stays where it is). */
  saving: boolean;
  onChange: (value: CancelledFormationsInOutlook) => void;
}

/** The two fates of a cancelled formation's Outlook copies, as radio buttons each saying what participants will see. */
export function CancelledFormationsChoiceGroup({ value, saving, onChange }: CancelledFormationsChoiceProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="fieldset" aria-busy={saving}>
      <legend>{t("cancelledFormations.legend")}</legend>
      {CHOICES.map((choice) => (
        <div className="field field-inline field-choice" key={choice}>
          <input
            id={`cancelled-formations-${choice}`}
            type="radio"
            name="cancelled-formations-in-outlook"
            value={choice}
            checked={value === choice}
            onChange={() => {
              if (!saving) onChange(choice);
            }}
            aria-describedby={`cancelled-formations-${choice}-hint`}
          />
          <label htmlFor={`cancelled-formations-${choice}`}>{t(`cancelledFormations.${choice}`)}</label>
          <span id={`cancelled-formations-${choice}-hint`} className="hint">
            {t(`cancelledFormations.${choice}Hint`)}
          </span>
        </div>
      ))}
    </fieldset>
  );
}

/** What a cancelled formation becomes in participants' Outlook calendars, chosen for everyone (administrators only). */
export function CancelledFormationsSection() {
  const { t } = useTranslation();
  const settings = usePlatformSettings();
  const change = useChangePlatformSettings();
  // The radio just chosen stays checked from the click on (a controlled radio would otherwise flick back until the
  // mutation's state arrives); a refused change puts the saved one back.
  const [chosen, setChosen] = useState<CancelledFormationsInOutlook | null>(null);
  const choose = (cancelledFormationsInOutlook: CancelledFormationsInOutlook) => {
    setChosen(cancelledFormationsInOutlook);
    change.mutate({ cancelledFormationsInOutlook }, { onError: () => setChosen(null) });
  };
  return (
    <section aria-labelledby="cancelled-formations-title" className="admin-section">
      <h2 id="cancelled-formations-title">{t("cancelledFormations.title")}</h2>
      <p role="status" className={change.isSuccess ? "alert alert-success" : undefined}>
        {change.isSuccess ? t("cancelledFormations.saved") : ""}
      </p>
      <ErrorAlert error={settings.error ?? change.error} />
      {settings.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        settings.data && (
          <CancelledFormationsChoiceGroup
            value={chosen ?? settings.data.cancelledFormationsInOutlook}
            saving={change.isPending}
            onChange={choose}
          />
        )
      )}
    </section>
  );
}
