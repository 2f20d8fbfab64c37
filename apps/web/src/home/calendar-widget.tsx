import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { trpc } from "../api/trpc";
import { useSyncStatus } from "../api/use-sync-status";
import { sourceClassName } from "../agenda/calendar-events";
import { formatEventWhen, formatInstant } from "../format/date-format";
import { useOutlookIntegration } from "../settings/use-outlook-integration";
import { ErrorAlert } from "../ui/error-alert";
import { connectionState, nextEvents, widgetRange } from "./upcoming-events";

const STATE_CLASS = {
  not_connected: "status-disconnected",
  idle: "status-active",
  syncing: "status-syncing",
  error: "status-error",
  needs_reauth: "status-needs_reauth",
} as const;

/** The spec's `CalendarWidget`: the next events of the agenda and the Outlook connection, at a glance. */
export function CalendarWidget({ timeZone }: { timeZone: string }) {
  const { t, i18n } = useTranslation();
  // Fixed for the page's life: the range is the query's key.
  const [now] = useState(() => new Date());
  const events = trpc.events.list.useQuery(widgetRange(now));
  const { status } = useSyncStatus();
  const { integration } = useOutlookIntegration();
  const state = connectionState(status, integration);
  const lastSyncAt = status ? status.lastSyncAt : (integration?.lastSyncAt ?? null);
  const upcoming = nextEvents(events.data ?? [], now);

  return (
    <section className="card calendar-widget" aria-labelledby="calendar-widget-title">
      <h2 id="calendar-widget-title">{t("widget.title")}</h2>
      <ErrorAlert error={events.error} />
      {events.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : upcoming.length === 0 ? (
        <p>{t("widget.empty")}</p>
      ) : (
        <ul className="widget-events">
          {upcoming.map((event) => (
            <li key={event.id}>
              <span className={`legend-swatch ${sourceClassName(event.source)}`} aria-hidden="true" />
              <span className="visually-hidden">{t(`legend.${event.source}`)} – </span>
              <span className="widget-event-title">{event.title}</span>
              <span className="hint widget-event-when">{formatEventWhen(event, i18n.language, timeZone)}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/agenda">{t("widget.openAgenda")}</Link>
      </p>
      <h3>{t("widget.outlook")}</h3>
      <p>
        <span className={`status-badge ${STATE_CLASS[state]}`} data-testid="widget-outlook-state">
          {t(`widget.state.${state}`)}
        </span>
        {state !== "not_connected" && lastSyncAt && (
          <span className="hint">
            {" "}
            {t("widget.lastSync", { when: formatInstant(lastSyncAt, i18n.language, timeZone) })}
          </span>
        )}
      </p>
      <p>
        <Link to="/agenda/settings">{t("widget.openSettings")}</Link>
      </p>
    </section>
  );
}
