import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../ui/error-alert";
import { eventFieldsFromForm, toggleAllDay, type EventFields, type EventFormValues } from "./event-form-values";

interface EventFormProps {
  initialValues: EventFormValues;
  timeZone: string;
  saving: boolean;
  saveError: unknown;
  onSave: (fields: EventFields) => void;
  onCancel: () => void;
}

/** The fields of a personal event; times are typed in the person's time zone. */
export function EventForm({ initialValues, timeZone, saving, saveError, onSave, onCancel }: EventFormProps) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initialValues);
  const [problem, setProblem] = useState<"endBeforeStart" | null>(null);
  const id = useId();
  const set = (change: Partial<EventFormValues>) => setValues((current) => ({ ...current, ...change }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = eventFieldsFromForm(values, timeZone);
    if ("problem" in result) setProblem(result.problem);
    else {
      setProblem(null);
      onSave(result.fields);
    }
  };

  const timeInput = values.isAllDay ? "date" : "datetime-local";
  return (
    <form className="form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`${id}-title`}>{t("eventForm.title")}</label>
        <input
          id={`${id}-title`}
          required
          maxLength={255}
          value={values.title}
          onChange={(event) => set({ title: event.target.value })}
        />
      </div>
      <div className="field field-inline">
        <input
          id={`${id}-all-day`}
          type="checkbox"
          checked={values.isAllDay}
          onChange={(event) => setValues(toggleAllDay(values, event.target.checked))}
        />
        <label htmlFor={`${id}-all-day`}>{t("eventForm.allDay")}</label>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-start`}>{t("eventForm.start")}</label>
          <input
            id={`${id}-start`}
            type={timeInput}
            required
            value={values.start}
            onChange={(event) => set({ start: event.target.value })}
            aria-describedby={`${id}-zone`}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-end`}>{t("eventForm.end")}</label>
          <input
            id={`${id}-end`}
            type={timeInput}
            required
            value={values.end}
            onChange={(event) => set({ end: event.target.value })}
            aria-describedby={`${id}-zone${problem ? ` ${id}-problem` : ""}`}
            aria-invalid={problem !== null}
          />
        </div>
      </div>
      <p id={`${id}-zone`} className="hint">
        {t("eventForm.timeZoneHint", { timeZone })}
      </p>
      {problem && (
        <p id={`${id}-problem`} role="alert" className="alert alert-error">
          {t(`eventForm.${problem}`)}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-location`}>{t("eventForm.location")}</label>
        <input
          id={`${id}-location`}
          maxLength={255}
          value={values.location}
          onChange={(event) => set({ location: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>{t("eventForm.description")}</label>
        <textarea
          id={`${id}-body`}
          rows={3}
          value={values.body}
          onChange={(event) => set({ body: event.target.value })}
        />
      </div>
      <ErrorAlert error={saveError} />
      <div className="dialog-actions">
        <button type="submit" disabled={saving}>
          {t("eventForm.save")}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t("eventForm.cancel")}
        </button>
      </div>
    </form>
  );
}
