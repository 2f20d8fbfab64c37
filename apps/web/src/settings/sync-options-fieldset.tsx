import { useTranslation } from "react-i18next";
import type { Integration } from "../api/trpc";
import type { SettingsChange } from "./use-outlook-integration";

const OPTIONS = ["importEnabled", "exportEnabled", "autoSyncEnabled"] as const;

/** Import, export and auto-sync switches; each change is saved at once. */
export function SyncOptionsFieldset({
  integration,
  onChange,
}: {
  integration: Integration;
  onChange: (change: SettingsChange) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="fieldset">
      <legend>{t("syncOptions.title")}</legend>
      {OPTIONS.map((option) => (
        <div className="field field-inline" key={option}>
          <input
            id={`sync-option-${option}`}
            type="checkbox"
            role="switch"
            checked={integration.settings[option]}
            onChange={(event) => onChange({ [option]: event.target.checked })}
          />
          <label htmlFor={`sync-option-${option}`}>{t(`syncOptions.${option}`)}</label>
        </div>
      ))}
    </fieldset>
  );
}
