import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useCurrentUser } from "../session/current-user";
import { ErrorAlert } from "../ui/error-alert";
import { DisconnectOutlookDialog } from "./disconnect-outlook-dialog";
import { OutlookStatus } from "./outlook-status";
import { OutlookSyncSettings } from "./outlook-sync-settings";
import { useConnectOutlook, useDisconnectOutlook, useOutlookIntegration } from "./use-outlook-integration";

/** The Outlook connection: its state, connecting (or reconnecting), what is synced, and disconnecting. */
export function OutlookConnectionCard() {
  const { t } = useTranslation();
  const { timeZone } = useCurrentUser();
  const { integration, isPending, error } = useOutlookIntegration();
  const connect = useConnectOutlook();
  const disconnect = useDisconnectOutlook();
  const [confirmingDisconnect, setConfirmingDisconnect] = useState(false);

  const status = integration?.status ?? "disconnected";
  const connected = integration !== null && status !== "disconnected";

  return (
    <section className="card" aria-labelledby="outlook-card-title">
      <h2 id="outlook-card-title">{t("outlook.title")}</h2>
      {isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        <>
          <ErrorAlert error={error} />
          <OutlookStatus integration={integration} timeZone={timeZone} />
          <div className="card-actions">
            {status !== "active" && (
              <button type="button" disabled={connect.isPending || connect.isSuccess} onClick={() => connect.mutate()}>
                {connected ? t("outlook.reconnect") : t("outlook.connect")}
              </button>
            )}
            {connected && (
              <button
                type="button"
                className="button-danger"
                onClick={() => {
                  disconnect.reset();
                  setConfirmingDisconnect(true);
                }}
              >
                {t("outlook.disconnect")}
              </button>
            )}
          </div>
          <p role="status">{connect.isSuccess ? t("outlook.redirecting") : ""}</p>
          <ErrorAlert error={connect.error} />
          {disconnect.data && !connected && (
            <p role="status" className="alert alert-success">
              {t("disconnect.done")}
              {disconnect.data.removedFromOutlook > 0 &&
                ` ${t("disconnect.removed", { count: disconnect.data.removedFromOutlook })}`}
              {disconnect.data.notRemovedFromOutlook > 0 &&
                ` ${t("disconnect.notRemoved", { count: disconnect.data.notRemovedFromOutlook })}`}
            </p>
          )}
          {integration && status === "active" && <OutlookSyncSettings integration={integration} />}
          <DisconnectOutlookDialog
            open={confirmingDisconnect}
            disconnecting={disconnect.isPending}
            error={disconnect.error}
            onConfirm={(options) => disconnect.mutate(options, { onSuccess: () => setConfirmingDisconnect(false) })}
            onClose={() => setConfirmingDisconnect(false)}
          />
        </>
      )}
    </section>
  );
}
