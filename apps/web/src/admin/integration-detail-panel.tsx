import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AdminIntegration } from "../api/trpc";
import { SyncRunsTable } from "../settings/sync-runs-table";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";
import { useDisconnectIntegrationForUser, useIntegrationRuns, useResyncIntegration } from "./use-all-integrations";

/** "Déconnecter pour l'utilisateur": asks the reason the user will read in their settings. */
function DisconnectForUserDialog({ integration, onClose }: { integration: AdminIntegration; onClose: () => void }) {
  const { t } = useTranslation();
  const disconnect = useDisconnectIntegrationForUser();
  const [reason, setReason] = useState("");
  return (
    <Dialog open title={t("adminIntegration.disconnectTitle", { name: integration.user.name })} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          disconnect.mutate({ id: integration.id, reason }, { onSuccess: onClose });
        }}
      >
        <p>{t("adminIntegration.disconnectBody")}</p>
        <div className="field">
          <label htmlFor="admin-disconnect-reason">{t("adminIntegration.reason")}</label>
          <textarea
            id="admin-disconnect-reason"
            required
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <ErrorAlert error={disconnect.error} />
        <div className="dialog-actions">
          <button type="submit" className="button-danger" disabled={disconnect.isPending || reason.trim() === ""}>
            {t("adminIntegration.disconnectConfirm")}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            {t("disconnect.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * One integration as an administrator acts on it: resync now, resync in full, disconnect for the user (with a
 * reason), and its latest runs with their counts and errors, read again every few seconds while shown.
 */
export function IntegrationDetailPanel({ integration, timeZone }: { integration: AdminIntegration; timeZone: string }) {
  const { t } = useTranslation();
  const runs = useIntegrationRuns(integration.id);
  const resync = useResyncIntegration();
  const [disconnecting, setDisconnecting] = useState(false);
  const connected = integration.status !== "disconnected";
  const titleId = `integration-runs-${integration.id}`;
  return (
    <section className="card" aria-labelledby={`integration-detail-${integration.id}`}>
      <h2 id={`integration-detail-${integration.id}`}>
        {t("adminIntegration.title", { name: integration.user.name, email: integration.account.email })}
      </h2>
      <div className="card-actions">
        <button
          type="button"
          disabled={!connected || resync.isPending}
          onClick={() => resync.mutate({ id: integration.id, full: false })}
        >
          {t("adminIntegration.resync")}
        </button>
        <button
          type="button"
          className="button-secondary"
          disabled={!connected || resync.isPending}
          onClick={() => resync.mutate({ id: integration.id, full: true })}
        >
          {t("adminIntegration.fullResync")}
        </button>
        <button type="button" className="button-danger" disabled={!connected} onClick={() => setDisconnecting(true)}>
          {t("adminIntegration.disconnect")}
        </button>
      </div>
      <p role="status">
        {resync.data ? t(resync.data.full ? "adminIntegration.fullResyncQueued" : "adminIntegration.resyncQueued") : ""}
      </p>
      <ErrorAlert error={resync.error} />
      <h3 id={titleId}>{t("adminIntegration.runs")}</h3>
      <ErrorAlert error={runs.error} />
      {runs.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        runs.data && <SyncRunsTable runs={runs.data} timeZone={timeZone} labelledBy={titleId} />
      )}
      {disconnecting && <DisconnectForUserDialog integration={integration} onClose={() => setDisconnecting(false)} />}
    </section>
  );
}
