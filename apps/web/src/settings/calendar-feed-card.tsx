import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../ui/error-alert";
import {
  useCalendarFeed,
  useDeleteCalendarFeed,
  useRotateCalendarFeed,
  useUpdateCalendarFeedSettings,
} from "./use-calendar-feed";

/** An address to copy: shown whole (people check what they paste), with its own button. */
function CopyableAddress({ id, label, value }: { id: string; label: string; value: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copyable">
        <input id={id} type="text" readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <button
          type="button"
          className="button-secondary"
          onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true))}
        >
          {t("calendarFeed.copy")}
          <span className="visually-hidden">{t("app.actionTarget", { target: label })}</span>
        </button>
      </div>
      <p role="status" className="hint">
        {copied ? t("calendarFeed.copied") : ""}
      </p>
    </div>
  );
}

/**
 * "S'abonner depuis un autre calendrier": a private address any calendar app can poll, for people who do not (or
 * cannot) connect Outlook, with the one-click pages of Outlook on the web and Google Calendar.
 */
export function CalendarFeedCard() {
  const { t } = useTranslation();
  const feed = useCalendarFeed();
  const rotate = useRotateCalendarFeed();
  const updateSettings = useUpdateCalendarFeedSettings();
  const turnOff = useDeleteCalendarFeed();
  const [confirmingRotation, setConfirmingRotation] = useState(false);

  return (
    <section className="card" aria-labelledby="calendar-feed-title">
      <h2 id="calendar-feed-title">{t("calendarFeed.title")}</h2>
      <p>{t("calendarFeed.intro")}</p>
      <ErrorAlert error={feed.error ?? rotate.error ?? updateSettings.error ?? turnOff.error} />
      {feed.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : !feed.data?.enabled ? (
        <div className="card-actions">
          <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
            {t("calendarFeed.create")}
          </button>
        </div>
      ) : (
        <>
          <p className="hint">{t("calendarFeed.private")}</p>
          <CopyableAddress id="calendar-feed-url" label={t("calendarFeed.url")} value={feed.data.url} />
          <CopyableAddress id="calendar-feed-webcal" label={t("calendarFeed.webcalUrl")} value={feed.data.webcalUrl} />
          <ul className="calendar-feed-links">
            <li>
              <a href={feed.data.outlookUrl} target="_blank" rel="noreferrer">
                {t("calendarFeed.addToOutlook")}
              </a>
            </li>
            <li>
              <a href={feed.data.googleUrl} target="_blank" rel="noreferrer">
                {t("calendarFeed.addToGoogle")}
              </a>
            </li>
            <li>
              <a href={feed.data.webcalUrl}>{t("calendarFeed.openInApp")}</a>
            </li>
          </ul>
          <p>{t("calendarFeed.refresh")}</p>
          <div className="field field-inline">
            <input
              id="calendar-feed-personal"
              type="checkbox"
              checked={feed.data.includePersonalEvents}
              disabled={updateSettings.isPending}
              onChange={(event) => updateSettings.mutate({ includePersonalEvents: event.currentTarget.checked })}
            />
            <label htmlFor="calendar-feed-personal">{t("calendarFeed.includePersonalEvents")}</label>
          </div>
          {confirmingRotation ? (
            <div className="dialog-actions" role="group" aria-label={t("calendarFeed.confirmRotate")}>
              <p>{t("calendarFeed.confirmRotate")}</p>
              <button
                type="button"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate(undefined, { onSuccess: () => setConfirmingRotation(false) })}
              >
                {t("calendarFeed.confirmRotateAction")}
              </button>
              <button type="button" className="button-secondary" onClick={() => setConfirmingRotation(false)}>
                {t("eventForm.cancel")}
              </button>
            </div>
          ) : (
            <div className="card-actions">
              <button type="button" className="button-secondary" onClick={() => setConfirmingRotation(true)}>
                {t("calendarFeed.rotate")}
              </button>
              <button
                type="button"
                className="button-danger"
                disabled={turnOff.isPending}
                onClick={() => turnOff.mutate()}
              >
                {t("calendarFeed.turnOff")}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
