import { useTranslation } from "react-i18next";
import type { Integration } from "../api/trpc";
import { useSyncStatus } from "../api/use-sync-status";
import { formatInstant } from "../format/date-format";
import { connectionState, type ConnectionState } from "../home/upcoming-events";

const BADGE_CLASS: Record<ConnectionState, string> = {
  not_connected: "status-disconnected",
  idle: "status-active",
  syncing: "status-syncing",
  error: "status-error",
  needs_reauth: "status-needs_reauth",
};

/**
 * Where the Outlook connection stands, live (`sync.onStatus`): syncing, idle with the last sync and what it changed,
 * failing or needing a reconnection (and why), and how Outlook's changes reach the agenda. Until the live status
 * arrives, the integration's row says it.
 */
export function OutlookStatus({ integration, timeZone }: { integration: Integration | null; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const { status: live, connected: streaming } = useSyncStatus();
  const state = connectionState(live, integration);
  const known = live ?? {
    reason: integration?.statusReason ?? null,
    accountEmail: integration?.account.email ?? null,
    lastSyncAt: integration?.lastSyncAt ?? null,
    lastSyncResult: integration?.lastSyncResult ?? null,
    mode: undefined,
    unreviewedConflicts: 0,
  };
  const connected = state !== "not_connected";
  const reason = state === "needs_reauth" || state === "error" ? known.reason : null;
  // Not connected with a reason: an administrator disconnected it for the person, and said why.
  const adminReason = state === "not_connected" ? known.reason : null;
  const accountName = integration?.account.name;
  const result = known.lastSyncResult;
  return (
    <>
      <dl className="outlook-status">
        <dt>{t("outlook.statusLabel")}</dt>
        <dd aria-live="polite">
          <span className={`status-badge ${BADGE_CLASS[state]}`} data-testid="outlook-status">
            {t(`outlook.liveState.${state}`)}
          </span>
          {reason && <span className="status-reason"> {t("outlook.reason", { reason })}</span>}
        </dd>
        {connected && (
          <>
            <dt>{t("outlook.account")}</dt>
            <dd>{accountName ? `${accountName} <${known.accountEmail ?? ""}>` : known.accountEmail}</dd>
            {integration && (
              <>
                <dt>{t("outlook.connectedSince")}</dt>
                <dd>{formatInstant(integration.connectedAt, i18n.language, timeZone)}</dd>
              </>
            )}
            <dt>{t("outlook.lastSync")}</dt>
            <dd data-testid="outlook-last-sync">
              {known.lastSyncAt ? formatInstant(known.lastSyncAt, i18n.language, timeZone) : t("outlook.never")}
              {result &&
                ` (${result.ok ? t("outlook.lastSyncCounts", { created: result.created, updated: result.updated, deleted: result.deleted }) : t("outlook.lastSyncFailed")})`}
            </dd>
            {known.mode !== undefined && (
              <>
                <dt>{t("outlook.modeLabel")}</dt>
                <dd data-testid="outlook-mode">{t(`outlook.mode.${known.mode ?? "off"}`)}</dd>
              </>
            )}
          </>
        )}
      </dl>
      {adminReason && (
        <p className="alert alert-error" data-testid="outlook-disconnected-by-admin">
          {t("outlook.disconnectedByAdmin", { reason: adminReason })}
        </p>
      )}
      {known.unreviewedConflicts > 0 && (
        <p className="alert">{t("outlook.conflicts", { count: known.unreviewedConflicts })}</p>
      )}
      {live && !streaming && (
        <p role="status" className="status-reason">
          {t("outlook.liveLost")}
        </p>
      )}
    </>
  );
}
