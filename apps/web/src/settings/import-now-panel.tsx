import { useTranslation } from "react-i18next";
import { useSyncStatus } from "../api/use-sync-status";
import type { ImportRun } from "../sync/followed-import";
import { useImportNow } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";

/** The run errors said in words; any other is shown as the run recorded it. */
const EXPLAINED_ERRORS = [
  "OUTLOOK_REQUEST_REFUSED",
  "OUTLOOK_UNREACHABLE",
  "OUTLOOK_UNAVAILABLE",
  "OUTLOOK_NEEDS_REAUTH",
] as const;
const isExplained = (code: string): code is (typeof EXPLAINED_ERRORS)[number] =>
  (EXPLAINED_ERRORS as readonly string[]).includes(code);

/** Why an import failed, in words: the run keeps an error code, or Microsoft's own text. */
function useImportFailure(run: ImportRun): string {
  const { t } = useTranslation();
  const code = run.error ?? "";
  return t("importNow.failed", { reason: isExplained(code) ? t(`importNow.errors.${code}`) : code });
}

function ImportFailure({ run }: { run: ImportRun }) {
  return (
    <p role="alert" className="alert alert-error">
      {useImportFailure(run)}
    </p>
  );
}

/**
 * "Importer les événements": queues an import of the connected Outlook, then follows it on the live status: its
 * counts as they grow, page by page, then what it changed (or why it failed). A sync the person did not ask for (a
 * notification's import) shows as running too. The button stays available: a click during a sync queues an import
 * that runs once the mailbox is free.
 */
export function ImportNowPanel() {
  const { t } = useTranslation();
  const importNow = useImportNow();
  const { status } = useSyncStatus();
  const followed = importNow.followed;
  const theirsRunning = importNow.pending || followed?.stage === "queued" || followed?.stage === "running";
  const busy = theirsRunning || status?.state === "syncing";
  const counts = followed && followed.stage !== "queued" ? followed.run : undefined;
  const message = importNow.pending
    ? t("importNow.importing")
    : followed?.stage === "queued"
      ? t("importNow.queued")
      : followed?.stage === "running" && counts
        ? t("importNow.progress", counts)
        : followed?.stage === "succeeded" && counts
          ? t("importNow.result", counts)
          : busy
            ? t("importNow.syncing")
            : "";
  return (
    <section className="card" aria-labelledby="import-now-title" aria-busy={busy}>
      <h2 id="import-now-title">{t("importNow.title")}</h2>
      <div className="card-actions">
        <button type="button" disabled={importNow.pending} onClick={importNow.ask}>
          {t("importNow.action")}
        </button>
        {busy && (
          <progress
            className="sync-progress"
            aria-label={theirsRunning ? t("importNow.importing") : t("importNow.syncing")}
          />
        )}
      </div>
      <p
        role="status"
        data-testid="import-now-status"
        className={followed?.stage === "succeeded" ? "alert alert-success" : undefined}
      >
        {message}
      </p>
      {followed?.stage === "failed" && <ImportFailure run={followed.run} />}
      <ErrorAlert error={importNow.error} />
    </section>
  );
}
