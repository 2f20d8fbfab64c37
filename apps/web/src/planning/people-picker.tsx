import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../ui/error-alert";
import type { EnrolledPerson } from "./formation-form-values";
import { MIN_SEARCH_LENGTH, usePeopleSearch } from "./use-planning";

interface PeoplePickerProps {
  enrolled: readonly EnrolledPerson[];
  onEnrol: (person: EnrolledPerson) => void;
  onUnenrol: (personId: string) => void;
}

/** The enrolled learners, and a search of the platform's people (name or e-mail) to enrol more. */
export function PeoplePicker({ enrolled, onEnrol, onUnenrol }: PeoplePickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState("");
  const search = usePeopleSearch(query);
  const enrolledIds = new Set(enrolled.map((person) => person.id));
  const searching = query.trim().length >= MIN_SEARCH_LENGTH;

  return (
    <fieldset className="fieldset">
      <legend>{t("planning.learners")}</legend>
      {enrolled.length === 0 ? (
        <p className="hint">{t("planning.noLearners")}</p>
      ) : (
        <ul className="people-list" aria-label={t("planning.learners")}>
          {enrolled.map((person) => (
            <li key={person.id}>
              <span>
                {person.name} <span className="hint">{person.email}</span>
              </span>
              <button
                type="button"
                className="button-secondary"
                aria-label={t("planning.unenrol", { name: person.name })}
                onClick={() => onUnenrol(person.id)}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor={`${id}-search`}>{t("planning.searchPeople")}</label>
        <input
          id={`${id}-search`}
          type="search"
          autoComplete="off"
          value={query}
          maxLength={100}
          aria-describedby={`${id}-search-hint`}
          onChange={(event) => setQuery(event.target.value)}
        />
        <p id={`${id}-search-hint`} className="hint">
          {t("planning.searchHint")}
        </p>
      </div>
      <ErrorAlert error={search.error} />
      <div aria-live="polite">
        {searching && search.isFetching && <p className="hint">{t("planning.searching")}</p>}
        {searching && search.data?.length === 0 && <p className="hint">{t("planning.noMatch")}</p>}
      </div>
      {searching && search.data && search.data.length > 0 && (
        <ul className="people-list" aria-label={t("planning.peopleFound")}>
          {search.data.map((person) => (
            <li key={person.id}>
              <span>
                {person.name} <span className="hint">{person.email}</span>
              </span>
              {enrolledIds.has(person.id) ? (
                <span className="hint">{t("planning.enrolled", { name: person.name })}</span>
              ) : (
                <button type="button" className="button-secondary" onClick={() => onEnrol(person)}>
                  {t("planning.enrol", { name: person.name })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
