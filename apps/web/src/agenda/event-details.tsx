import { httpsUrlOrNull } from "@agenda/domain/links";
import { useTranslation } from "react-i18next";
import type { AgendaEvent } from "../api/trpc";
import { formatEventWhen } from "../format/date-format";
import { sourceClassName } from "./calendar-events";
import { outlookWebLink } from "./outlook-link";

/** What the agenda knows about one event: where it comes from, when, where, and its state in Outlook. */
export function EventDetails({ event, timeZone }: { event: AgendaEvent; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const joinUrl = httpsUrlOrNull(event.onlineUrl);
  return (
    <dl className="event-details">
      {event.cancelled && (
        <>
          <dt>{t("eventDetails.status")}</dt>
          <dd className="event-cancelled-notice">
            {t("eventDetails.cancelled")}
            {event.cancellationReason &&
              ` – ${t("eventDetails.cancellationReason", { reason: event.cancellationReason })}`}
          </dd>
        </>
      )}
      <dt>{t("eventDetails.source")}</dt>
      <dd>
        <span className={`legend-swatch ${sourceClassName(event.source)}`} aria-hidden="true" />{" "}
        {t(`legend.${event.source}`)}
      </dd>
      <dt>{t("eventDetails.when")}</dt>
      <dd>
        {formatEventWhen(event, i18n.language, timeZone)}
        {event.isAllDay && ` (${t("eventForm.allDay").toLowerCase()})`}
      </dd>
      {event.location && (
        <>
          <dt>{t("eventDetails.location")}</dt>
          <dd>{event.location}</dd>
        </>
      )}
      {event.onlineUrl && (
        <>
          <dt>{t("eventDetails.onlineMeeting")}</dt>
          <dd>
            {joinUrl ? (
              <a href={joinUrl} target="_blank" rel="noreferrer">
                {t("eventDetails.join")}
              </a>
            ) : (
              // Outlook data can hold any scheme (javascript:, http:): shown for what it is, never followed.
              event.onlineUrl
            )}
          </dd>
        </>
      )}
      <dt>{t("eventDetails.outlook")}</dt>
      <dd>
        {event.outlook ? (
          <>
            <span className={`sync-status sync-status-${event.syncStatus}`}>
              {t(`eventDetails.syncStatus.${event.syncStatus}`)}
            </span>
            {event.syncError && <span className="sync-error"> – {event.syncError}</span>}{" "}
            <a href={outlookWebLink(event.outlook.eventId)} target="_blank" rel="noreferrer">
              {t("eventDetails.openInOutlook")}
            </a>
          </>
        ) : (
          t("eventDetails.notInOutlook")
        )}
      </dd>
      {event.body && (
        <>
          <dt>{t("eventDetails.description")}</dt>
          <dd className="event-body">{event.body}</dd>
        </>
      )}
    </dl>
  );
}
