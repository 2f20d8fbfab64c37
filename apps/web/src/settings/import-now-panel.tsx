import { useTranslation } from "react-i18next";
import { useSyncStatus } from "../api/use-sync-status";
import { useImportNow } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";

/**
 * "Importer les événements": runs an import of the connected Outlook now. While it runs (this request, or any sync
 * the live status reports, such as one a notification started) a progress bar shows; then the counts of what
 * changed. Only the person's own request holds the button: a sync starting on its own never swallows a click, whose
 * import then runs once the mailbox is free.
 */
export function ImportNowPanel() {
  const { t } = useTranslation();
  const importNow = useImportNow();
  const { status } = useSyncStatus();
  const busy = importNow.isPending || status?.state === "syncing";
  return (
    <section className="card" aria-labelledby="import-now-title" aria-busy={busy}>
      <h2 id="import-now-title">{t("importNow.title")}</h2>
      <div className="card-actions">
        <button type="button" disabled={importNow.isPending} onClick={() => importNow.mutate()}>
          {t("importNow.action")}
        </button>
        {busy && (
          <progress
            className="sync-progress"
            aria-label={importNow.isPending ? t("importNow.importing") : t("importNow.syncing")}
          />
        )}
      </div>
      <p role="status" className={importNow.data && !importNow.isPending ? "alert alert-success" : undefined}>
        {importNow.isPending
          ? t("importNow.importing")
          : importNow.data
            ? t("importNow.result", {
                created: importNow.data.created,
                updated: importNow.data.updated,
                deleted: importNow.data.deleted,
              })
            : busy
              ? t("importNow.syncing")
              : ""}
      </p>
      <ErrorAlert error={importNow.error} />
    </section>
  );
}
