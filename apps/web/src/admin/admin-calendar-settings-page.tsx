import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AdminIntegration } from "../api/trpc";
import { formatInstant } from "../format/date-format";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { AdminNavigation } from "./admin-navigation";
import { CancelledFormationsSection } from "./cancelled-formations-section";
import { FailedJobsSection } from "./failed-jobs-section";
import { IntegrationDetailPanel } from "./integration-detail-panel";
import { useAllIntegrations } from "./use-all-integrations";
import { ScrollableTable } from "../ui/scrollable-table";

function IntegrationRow({
  integration,
  timeZone,
  selected,
  onSelect,
}: {
  integration: AdminIntegration;
  timeZone: string;
  selected: boolean;
  onSelect: () => void;
}) {
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
      <td>
        {integration.attention.length === 0
          ? t("admin.none")
          : integration.attention.map((reason) => (
              <span key={reason} className="status-badge status-error attention-badge">
                {t(`admin.attention.${reason}`)}
              </span>
            ))}
      </td>
      <td>
        <button
          type="button"
          className="button-secondary"
          aria-pressed={selected}
          aria-label={t("admin.detailsOf", { name: integration.user.name })}
          onClick={onSelect}
        >
          {t("admin.details")}
        </button>
      </td>
    </tr>
  );
}

function IntegrationsTable({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const [needsAttention, setNeedsAttention] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const integrations = useAllIntegrations(needsAttention);
  const selected = integrations.data?.find(({ id }) => id === selectedId);
  return (
    <>
      <div className="field field-inline">
        <input
          id="needs-attention-filter"
          type="checkbox"
          checked={needsAttention}
          onChange={(event) => setNeedsAttention(event.target.checked)}
        />
        <label htmlFor="needs-attention-filter">{t("admin.needsAttentionFilter")}</label>
      </div>
      {integrations.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : integrations.error ? (
        <ErrorAlert error={integrations.error} />
      ) : integrations.data.length === 0 ? (
        <p>{needsAttention ? t("admin.noneNeedsAttention") : t("admin.empty")}</p>
      ) : (
        <ScrollableTable
          labelledBy="admin-title"
          columns={[
            t("admin.user"),
            t("admin.account"),
            t("admin.status"),
            t("admin.lastSync"),
            t("admin.lastError"),
            t("admin.attentionColumn"),
            t("admin.actions"),
          ]}
        >
          {integrations.data.map((integration) => (
            <IntegrationRow
              key={integration.id}
              integration={integration}
              timeZone={timeZone}
              selected={integration.id === selectedId}
              onSelect={() => setSelectedId(integration.id === selectedId ? null : integration.id)}
            />
          ))}
        </ScrollableTable>
      )}
      {selected && <IntegrationDetailPanel integration={selected} timeZone={timeZone} />}
    </>
  );
}

/**
 * `/admin/calendar-settings`: every user's Outlook connection, the sync jobs that failed and what cancelled formations
 * become in Outlook, for administrators only.
 */
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
          <CancelledFormationsSection />
        </>
      ) : (
        <p role="alert" className="alert alert-error">
          {t("admin.adminOnly")}
        </p>
      )}
    </div>
  );
}
