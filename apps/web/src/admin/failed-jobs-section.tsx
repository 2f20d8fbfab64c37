import { useTranslation } from "react-i18next";
import type { AdminIntegration } from "../api/trpc";
import { formatInstant } from "../format/date-format";
import type { FailedJob } from "../sync/sync-types";
import { ErrorAlert } from "../ui/error-alert";
import { useAllIntegrations } from "./use-all-integrations";
import { useFailedJobs, useRetryJob } from "./use-failed-jobs";
import { ScrollableTable } from "../ui/scrollable-table";

interface FailedJobsTableProps {
  jobs: readonly FailedJob[];
  integrations: readonly AdminIntegration[];
  timeZone: string;
  retryingId: string | null;
  onRetry: (job: FailedJob) => void;
}

/** The queue as `sync.retryJob` names it: failed jobs come from the import and export queues only. */
const queueOf = (job: FailedJob) => (job.queue === "outlook-export" ? "outlook-export" : "outlook-import");

/** Each job that failed for good: which queue, whose mailbox, how often it was tried, why it failed, and "Relancer". */
export function FailedJobsTable({ jobs, integrations, timeZone, retryingId, onRetry }: FailedJobsTableProps) {
  const { t, i18n } = useTranslation();
  if (jobs.length === 0) return <p>{t("failedJobs.empty")}</p>;
  const owner = (job: FailedJob) => {
    const integration = integrations.find(({ id }) => id === job.integrationId);
    if (integration) return `${integration.user.name} (${integration.account.email})`;
    return job.integrationId ? t("failedJobs.unknownIntegration", { id: job.integrationId }) : t("failedJobs.none");
  };
  return (
    <ScrollableTable
      labelledBy="failed-jobs-title"
      columns={[
        t("failedJobs.user"),
        t("failedJobs.queue"),
        t("failedJobs.retries"),
        t("failedJobs.error"),
        t("failedJobs.failedAt"),
        t("failedJobs.action"),
      ]}
    >
      {jobs.map((job) => (
        <tr key={job.id}>
          <th scope="row">{owner(job)}</th>
          <td>{t(`failedJobs.queues.${queueOf(job)}`)}</td>
          <td>{job.retryCount}</td>
          <td>{job.error ?? t("failedJobs.none")}</td>
          <td>{job.failedAt ? formatInstant(job.failedAt, i18n.language, timeZone) : t("failedJobs.none")}</td>
          <td>
            <button
              type="button"
              className="button-secondary"
              disabled={retryingId === job.id}
              onClick={() => onRetry(job)}
            >
              {t("failedJobs.retry")}
              <span className="visually-hidden">{t("app.actionTarget", { target: owner(job) })}</span>
            </button>
          </td>
        </tr>
      ))}
    </ScrollableTable>
  );
}

/** Sync jobs that failed after every attempt, to retry once the cause is fixed (administrators only). */
export function FailedJobsSection({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const jobs = useFailedJobs();
  const integrations = useAllIntegrations();
  const retry = useRetryJob();
  return (
    <section aria-labelledby="failed-jobs-title" className="admin-section">
      <h2 id="failed-jobs-title">{t("failedJobs.title")}</h2>
      <p>{t("failedJobs.intro")}</p>
      <p role="status" className={retry.isSuccess ? "alert alert-success" : undefined}>
        {retry.isSuccess ? t("failedJobs.retried") : ""}
      </p>
      <ErrorAlert error={jobs.error ?? retry.error} />
      {jobs.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        jobs.data && (
          <FailedJobsTable
            jobs={jobs.data}
            integrations={integrations.data ?? []}
            timeZone={timeZone}
            retryingId={retry.isPending ? (retry.variables?.id ?? null) : null}
            onRetry={(job) => retry.mutate({ queue: queueOf(job), id: job.id })}
          />
        )
      )}
    </section>
  );
}
