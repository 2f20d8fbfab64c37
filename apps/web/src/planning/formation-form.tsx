import { useId, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../ui/error-alert";
import {
  addSession,
  changeSession,
  enrol,
  MAX_SESSIONS,
  removeSession,
  unenrol,
  upsertFieldsFromForm,
  type FormationFormProblem,
  type FormationFormValues,
  type FormationUpsertFields,
} from "./formation-form-values";
import { PeoplePicker } from "./people-picker";

interface FormationFormProps {
  initialValues: FormationFormValues;
  saving: boolean;
  saveError: unknown;
  onSave: (fields: FormationUpsertFields) => void;
}

/** Every IANA zone the browser knows, offered while typing the formation's. */
function knownTimeZones(): string[] {
  return typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
}

/** A formation's title, description, time zone, place, sessions and learners. */
export function FormationForm({ initialValues, saving, saveError, onSave }: FormationFormProps) {
  const { t } = useTranslation();
  const id = useId();
  const [values, setValues] = useState(initialValues);
  const [problems, setProblems] = useState<FormationFormProblem[]>([]);
  const timeZones = useMemo(knownTimeZones, []);
  const set = (change: Partial<FormationFormValues>) => setValues((current) => ({ ...current, ...change }));
  const numberOf = (key: string) => values.sessions.findIndex((session) => session.key === key) + 1;
  const problemOf = (field: FormationFormProblem["field"]) => problems.find((problem) => problem.field === field);
  const sessionProblem = (key: string) =>
    problems.find((problem) => problem.field === "session" && problem.key === key);
  const messageOf = (problem: FormationFormProblem) =>
    t(`planning.problems.${problem.problem}`, problem.field === "session" ? { number: numberOf(problem.key) } : {});
  const describedBy = (...ids: Array<string | false>) => ids.filter(Boolean).join(" ") || undefined;
  /** A field's problem, if any: the attributes its input takes, and the message shown below it. */
  const checked = (field: "title" | "timeZone" | "onlineUrl", hintId?: string) => {
    const problem = problemOf(field);
    const problemId = `${id}-${field}-problem`;
    return {
      input: {
        "aria-invalid": problem !== undefined,
        "aria-describedby": describedBy(hintId ?? false, problem !== undefined && problemId),
      },
      message: problem && (
        <p id={problemId} className="field-problem">
          {messageOf(problem)}
        </p>
      ),
    };
  };
  const title = checked("title");
  const timeZone = checked("timeZone", `${id}-zone-hint`);
  const onlineUrl = checked("onlineUrl");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = upsertFieldsFromForm(values);
    if ("problems" in result) setProblems(result.problems);
    else {
      setProblems([]);
      onSave(result.fields);
    }
  };

  return (
    // The form says what is wrong in the page's language, instead of the browser's own bubbles.
    <form className="form formation-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-title`}>{t("planning.formationTitle")}</label>
        <input
          id={`${id}-title`}
          required
          maxLength={255}
          value={values.title}
          {...title.input}
          onChange={(event) => set({ title: event.target.value })}
        />
        {title.message}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t("planning.description")}</label>
        <textarea
          id={`${id}-description`}
          rows={3}
          value={values.description}
          onChange={(event) => set({ description: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-zone`}>{t("planning.timeZone")}</label>
        <input
          id={`${id}-zone`}
          list={`${id}-zones`}
          required
          value={values.timeZone}
          {...timeZone.input}
          onChange={(event) => set({ timeZone: event.target.value })}
        />
        <datalist id={`${id}-zones`}>
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <p id={`${id}-zone-hint`} className="hint">
          {t("planning.timeZoneHint")}
        </p>
        {timeZone.message}
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-location`}>{t("planning.location")}</label>
          <input
            id={`${id}-location`}
            maxLength={255}
            value={values.location}
            onChange={(event) => set({ location: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-online`}>{t("planning.onlineUrl")}</label>
          <input
            id={`${id}-online`}
            type="url"
            inputMode="url"
            placeholder="https://"
            value={values.onlineUrl}
            {...onlineUrl.input}
            onChange={(event) => set({ onlineUrl: event.target.value })}
          />
          {onlineUrl.message}
        </div>
      </div>

      <fieldset
        className="fieldset"
        aria-describedby={describedBy(problemOf("sessions") !== undefined && `${id}-sessions-problem`)}
      >
        <legend>{t("planning.sessions")}</legend>
        <p className="hint">{t("planning.sessionsHint", { timeZone: values.timeZone })}</p>
        <ol className="session-list">
          {values.sessions.map((session, index) => {
            const number = index + 1;
            const problem = sessionProblem(session.key);
            const problemId = `${id}-${session.key}-problem`;
            return (
              <li key={session.key} className="session-row">
                <div className="field">
                  <label htmlFor={`${id}-${session.key}-start`}>{t("planning.sessionStart", { number })}</label>
                  <input
                    id={`${id}-${session.key}-start`}
                    type="datetime-local"
                    required
                    value={session.start}
                    aria-invalid={problem?.problem === "invalidTime"}
                    aria-describedby={describedBy(problem !== undefined && problemId)}
                    onChange={(event) => setValues(changeSession(values, session.key, { start: event.target.value }))}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-${session.key}-end`}>{t("planning.sessionEnd", { number })}</label>
                  <input
                    id={`${id}-${session.key}-end`}
                    type="datetime-local"
                    required
                    value={session.end}
                    aria-invalid={problem !== undefined}
                    aria-describedby={describedBy(problem !== undefined && problemId)}
                    onChange={(event) => setValues(changeSession(values, session.key, { end: event.target.value }))}
                  />
                </div>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => setValues(removeSession(values, session.key))}
                >
                  {t("planning.removeSession", { number })}
                </button>
                {problem && (
                  <p id={problemId} className="field-problem">
                    {messageOf(problem)}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
        {problemOf("sessions") && (
          <p id={`${id}-sessions-problem`} className="field-problem">
            {t("planning.problems.noSession")}
          </p>
        )}
        <button
          type="button"
          className="button-secondary"
          disabled={values.sessions.length >= MAX_SESSIONS}
          onClick={() => setValues(addSession(values, new Date()))}
        >
          {t("planning.addSession")}
        </button>
      </fieldset>

      <PeoplePicker
        enrolled={values.learners}
        onEnrol={(person) => setValues(enrol(values, person))}
        onUnenrol={(personId) => setValues(unenrol(values, personId))}
      />

      {problems.length > 0 && (
        <div role="alert" className="alert alert-error">
          <p className="alert-heading">{t("planning.problemsTitle")}</p>
          <ul>
            {problems.map((problem) => (
              <li key={`${problem.field}-${"key" in problem ? problem.key : ""}`}>{messageOf(problem)}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorAlert error={saveError} />
      <div className="card-actions">
        <button type="submit" disabled={saving}>
          {t("planning.save")}
        </button>
      </div>
    </form>
  );
}
