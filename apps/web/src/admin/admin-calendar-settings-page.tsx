import { useTranslation } from "react-i18next";
import type { AdminIntegration } from "../api/trpc";
import { formatInstant } from "../format/date-format";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { AdminNavigation } from "./admin-navigation";
import { FailedJobsSection } from "./failed-jobs-section";
import { useAllIntegrations } from "./use-all-integrations";
import { ScrollableTable } from "../ui/scrollable-table";

function IntegrationRow({ integration, timeZone }: { integration: AdminIntegration; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const result = integration.lastSyncResult;
  const lastError = integration.statusReason ?? result?.error ?? null;
  return (
    <tr>
      <th scope="row">
        {integration.user.name}
        <br />
        <span className="hint">{integration.user.email}</span>
      </th>
      <td>{integration.account.email}</td>
      <td>
        <span className={`status-badge status-${integration.status}`}>{t(`outlook.status.${integration.status}`)}</span>
      </td>
      <td>
        {integration.lastSyncAt ? formatInstant(integration.lastSyncAt, i18n.language, timeZone) : t("outlook.never")}
        {result && (
          <>
            <br />
            <span className="hint">
              {t("admin.syncCounts", { created: result.created, updated: result.updated, deleted: result.deleted })}
            </span>
          </>
        )}
      </td>
      <td>{lastError ?? t("admin.none")}</td>
    </tr>
  );
}

function IntegrationsTable({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const integrations = useAllIntegrations();
  if (integrations.isPending) return <p role="status">{t("app.loading")}</p>;
  if (integrations.error) return <ErrorAlert error={integrations.error} />;
  if (integrations.data.length === 0) return <p>{t("admin.empty")}</p>;
  return (
    <ScrollableTable
      labelledBy="admin-title"
      columns={[t("admin.user"), t("admin.account"), t("admin.status"), t("admin.lastSync"), t("admin.lastError")]}
    >
      {integrations.data.map((integration) => (
        <IntegrationRow key={integration.id} integration={integration} timeZone={timeZone} />
      ))}
    </ScrollableTable>
  );
}

/** `/admin/calendar-settings`: every user's Outlook connection and the sync jobs that failed, for administrators only. */
export function AdminCalendarSettingsPage() {
  const { t } = useTranslation();
  usePageTitle(t("admin.title"));
  const user = useCurrentUser();
  return (
    <div className="admin-page">
      <AdminNavigation />
      <h1 id="admin-title">{t("admin.title")}</h1>
      {user.role === "admin" ? (
        <>
          <p>{t("admin.intro")}</p>
          <IntegrationsTable timeZone={user.timeZone} />
          <FailedJobsSection timeZone={user.timeZone} />
        </>
      ) : (
        <p role="alert" className="alert alert-error">
          {t("admin.adminOnly")}
        </p>
      )}
    </div>
  );
}
