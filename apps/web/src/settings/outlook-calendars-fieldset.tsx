import { useTranslation } from "react-i18next";
import type { Integration, OutlookCalendar } from "../api/trpc";
import { ErrorAlert } from "../ui/error-alert";
import { useOutlookCalendars, type SettingsChange } from "./use-outlook-integration";

const calendarLabel = (calendar: OutlookCalendar, defaultMark: string) =>
  calendar.isDefault ? `${calendar.name} ${defaultMark}` : calendar.name;

/** Which Outlook calendars come into the agenda, and which one receives the formations. */
export function OutlookCalendarsFieldset({
  integration,
  onChange,
}: {
  integration: Integration;
  onChange: (change: SettingsChange) => void;
}) {
  const { t } = useTranslation();
  const calendars = useOutlookCalendars();
  const imported = new Set(integration.settings.importCalendarIds);

  const toggleImport = (id: string, checked: boolean) => {
    const next = new Set(imported);
    if (checked) next.add(id);
    else next.delete(id);
    onChange({ importCalendarIds: [...next] });
  };

  return (
    <>
      <fieldset className="fieldset" aria-busy={calendars.isPending}>
        <legend>{t("calendars.importTitle")}</legend>
        <p className="hint" id="import-calendars-hint">
          {t("calendars.importHint")} {t("calendars.untickHint")}
        </p>
        {calendars.isPending && <p role="status">{t("app.loading")}</p>}
        <ErrorAlert error={calendars.error} />
        {calendars.data?.map((calendar, index) => (
          <div className="field field-inline" key={calendar.id}>
            <input
              id={`import-calendar-${index}`}
              type="checkbox"
              checked={imported.has(calendar.id)}
              aria-describedby="import-calendars-hint"
              onChange={(event) => toggleImport(calendar.id, event.target.checked)}
            />
            <label htmlFor={`import-calendar-${index}`}>{calendarLabel(calendar, t("calendars.isDefault"))}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="export-calendar">{t("calendars.exportTarget")}</label>
        <select
          id="export-calendar"
          aria-describedby="export-calendar-hint"
          value={integration.settings.exportCalendarId ?? ""}
          disabled={!calendars.data}
          onChange={(event) => onChange({ exportCalendarId: event.target.value || null })}
        >
          <option value="">{t("calendars.defaultCalendar")}</option>
          {calendars.data
            ?.filter((calendar) => calendar.canEdit)
            .map((calendar) => (
              <option key={calendar.id} value={calendar.id}>
                {calendarLabel(calendar, t("calendars.isDefault"))}
              </option>
            ))}
        </select>
        <p className="hint" id="export-calendar-hint">
          {t("calendars.exportTargetHint")}
        </p>
      </div>
    </>
  );
}
