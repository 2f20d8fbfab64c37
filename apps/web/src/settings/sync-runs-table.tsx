import { useTranslation } from "react-i18next";
import { formatInstant } from "../format/date-format";
import type { SyncRun } from "../sync/sync-types";
import { useSyncRuns } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";
import { ScrollableTable } from "../ui/scrollable-table";

/** The recent runs as a table: when, what, why, how it went and what it changed. */
export function SyncRunsTable({
  runs,
  timeZone,
  labelledBy = "sync-runs-title",
}: {
  runs: readonly SyncRun[];
  timeZone: string;
  /** The heading naming the table. */
  labelledBy?: string;
}) {
  const { t, i18n } = useTranslation();
  if (runs.length === 0) return <p>{t("syncRuns.empty")}</p>;
  return (
    <ScrollableTable
      labelledBy={labelledBy}
      columns={[
        t("syncRuns.when"),
        t("syncRuns.kind"),
        t("syncRuns.trigger"),
        t("syncRuns.status"),
        t("syncRuns.changes"),
        t("syncRuns.error"),
      ]}
    >
      {runs.map((run) => (
        <tr key={run.id}>
          <td>{formatInstant(run.startedAt, i18n.language, timeZone)}</td>
          <td>{t(`syncRuns.kinds.${run.kind}`)}</td>
          <td>{t(`syncRuns.triggers.${run.trigger}`)}</td>
          <td className={run.status === "failed" ? "sync-error" : undefined}>{t(`syncRuns.statuses.${run.status}`)}</td>
          <td>{t("syncRuns.counts", { created: run.created, updated: run.updated, deleted: run.deleted })}</td>
          <td>{run.error ?? t("syncRuns.none")}</td>
        </tr>
      ))}
    </ScrollableTable>
  );
}

export function RecentSyncRuns({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const runs = useSyncRuns();
  return (
    <section className="card" aria-labelledby="sync-runs-title">
      <h2 id="sync-runs-title">{t("syncRuns.title")}</h2>
      <ErrorAlert error={runs.error} />
      {runs.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        runs.data && <SyncRunsTable runs={runs.data} timeZone={timeZone} />
      )}
    </section>
  );
}
