import { trpc } from "../api/trpc";

/** Sync jobs that failed for good (the API refuses anyone but administrators). */
export function useFailedJobs() {
  return trpc.sync.failedJobs.useQuery();
}

/** Puts a failed job back in its queue; the list is read again, without it. */
export function useRetryJob() {
  const utils = trpc.useUtils();
  return trpc.sync.retryJob.useMutation({ onSuccess: () => utils.sync.failedJobs.invalidate() });
}
