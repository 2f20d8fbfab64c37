import { useTranslation } from "react-i18next";
import { Link, Navigate, useSearchParams } from "react-router";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { formatSessionsSpan } from "./formation-dates";
import type { PlanningFilter } from "./formation-form-values";
import { usePlannedFormations } from "./use-planning";

const FILTERS: readonly PlanningFilter[] = ["upcoming", "past", "cancelled"];

function filterOf(value: string | null): PlanningFilter {
  return FILTERS.find((filter) => filter === value) ?? "upcoming";
}

/** "Planification": the formations a trainer trains (an admin: all), upcoming, past or cancelled. */
export function PlanningPage() {
  // Learners plan nothing: their formations are in their agenda, each one's detail a link away.
  if (useCurrentUser().role === "learner") return <Navigate to="/agenda" replace />;
  return <PlannedFormationList />;
}

function PlannedFormationList() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("planning.title"));
  const { timeZone } = useCurrentUser();
  const [searchParams] = useSearchParams();
  const filter = filterOf(searchParams.get("filter"));
  const formations = usePlannedFormations(filter);

  return (
    <div className="planning-page">
      <div className="page-heading">
        <h1>{t("planning.title")}</h1>
        <Link className="button-link" to="/planning/new">
          {t("planning.newFormation")}
        </Link>
      </div>
      <p>{t("planning.intro")}</p>
      <nav aria-label={t("planning.filters")} className="planning-filters">
        <ul>
          {FILTERS.map((each) => (
            <li key={each}>
              <Link to={`/planning?filter=${each}`} aria-current={each === filter ? "page" : undefined}>
                {t(`planning.filter.${each}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorAlert error={formations.error} />
      {formations.isPending && <p role="status">{t("app.loading")}</p>}
      {formations.data?.length === 0 && <p>{t("planning.empty")}</p>}
      {formations.data && formations.data.length > 0 && (
        <ul className="formation-list" aria-label={t(`planning.filter.${filter}`)}>
          {formations.data.map((formation) => (
            <li key={formation.id} className="card formation-item">
              <h2>
                <Link to={`/planning/${formation.id}`}>{formation.title}</Link>
              </h2>
              <p>
                {formatSessionsSpan(formation.sessions, i18n.language, timeZone)}
                {" · "}
                {t("planning.sessionCount", { count: formation.sessions.length })}
                {" · "}
                {t("planning.learnerCount", { count: formation.learnerCount })}
              </p>
              {formation.status === "cancelled" && (
                <p className="formation-cancelled">
                  <span className="status-badge status-error">{t("planning.cancelled")}</span>{" "}
                  {formation.cancellationReason}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
