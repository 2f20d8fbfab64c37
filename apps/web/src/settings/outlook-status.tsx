import { useTranslation } from "react-i18next";
import type { Integration } from "../api/trpc";
import { formatInstant } from "../format/date-format";

/** Where the Outlook connection stands: its state (and why, when it needs attention), the account, the last sync. */
export function OutlookStatus({ integration, timeZone }: { integration: Integration | null; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const status = integration?.status ?? "disconnected";
  const connected = integration && status !== "disconnected";
  return (
    <dl className="outlook-status">
      <dt>{t("outlook.statusLabel")}</dt>
      <dd>
        <span className={`status-badge status-${status}`} data-testid="outlook-status">
          {t(`outlook.status.${status}`)}
        </span>
        {connected && integration.statusReason && <span className="status-reason"> {t("outlook.reason", { reason: integration.statusReason })}</span>}
      </dd>
      {connected && (
        <>
          <dt>{t("outlook.account")}</dt>
          <dd>{integration.account.name ? `${integration.account.name} <${integration.account.email}>` : integration.account.email}</dd>
          <dt>{t("outlook.connectedSince")}</dt>
          <dd>{formatInstant(integration.connectedAt, i18n.language, timeZone)}</dd>
          <dt>{t("outlook.lastSync")}</dt>
          <dd>{integration.lastSyncAt ? formatInstant(integration.lastSyncAt, i18n.language, timeZone) : t("outlook.never")}</dd>
        </>
      )}
    </dl>
  );
}
