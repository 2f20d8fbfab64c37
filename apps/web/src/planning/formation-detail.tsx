import { httpsUrlOrNull } from "@agenda/domain/links";
import { useTranslation } from "react-i18next";
import type { RouterOutputs } from "../api/trpc";
import { formatSession } from "./formation-dates";

interface FormationDetailProps {
  formation: Pick<
    RouterOutputs["formations"]["get"],
    "description" | "location" | "onlineUrl" | "status" | "cancellationReason" | "trainer" | "sessions"
  >;
  timeZone: string;
}

/** What a learner sees of a formation: when, where, with whom; never who else is enrolled. */
export function FormationDetail({ formation, timeZone }: FormationDetailProps) {
  const { t, i18n } = useTranslation();
  const joinUrl = httpsUrlOrNull(formation.onlineUrl);
  return (
    <>
      {formation.status === "cancelled" && <CancellationNotice reason={formation.cancellationReason} />}
      <dl className="event-details">
        <dt>{t("planning.trainer")}</dt>
        <dd>{formation.trainer?.name ?? t("planning.noTrainer")}</dd>
        {formation.location && (
          <>
            <dt>{t("planning.place")}</dt>
            <dd>{formation.location}</dd>
          </>
        )}
        {joinUrl && (
          <>
            <dt>{t("planning.online")}</dt>
            <dd>
              <a href={joinUrl} target="_blank" rel="noreferrer">
                {t("planning.join")}
              </a>
            </dd>
          </>
        )}
        <dt>{t("planning.when")}</dt>
        <dd>
          <ol className="session-summary">
            {formation.sessions.map((session) => (
              <li key={session.id} className={formation.status === "cancelled" ? "cancelled-text" : undefined}>
                {formatSession(session, i18n.language, timeZone)}
                {session.location && ` – ${session.location}`}
              </li>
            ))}
          </ol>
        </dd>
        {formation.description && (
          <>
            <dt>{t("planning.description")}</dt>
            <dd className="event-body">{formation.description}</dd>
          </>
        )}
      </dl>
    </>
  );
}

/** "Formation annulée", with the reason the planner gave. */
export function CancellationNotice({ reason }: { reason: string | null }) {
  const { t } = useTranslation();
  return (
    <div className="alert alert-error">
      <p className="alert-heading">{t("planning.cancelledNotice")}</p>
      {reason && <p>{t("planning.reasonLabel", { reason })}</p>}
    </div>
  );
}
