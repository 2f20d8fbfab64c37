import type { RequestLogEntry } from "@agenda/microsoft-sandbox";

/** A sync run as scale-out tests compare them: which mailbox, which process (`host pid`), when. */
export interface RunSpan {
  integrationId: string;
  worker: string;
  start: number;
  end: number;
}

/** Runs of one mailbox by different workers whose times overlap. */
export function overlappingRuns(runs: RunSpan[]): Array<[RunSpan, RunSpan]> {
  const overlaps: Array<[RunSpan, RunSpan]> = [];
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  for (const [index, run] of sorted.entries()) {
    for (const later of sorted.slice(index + 1)) {
      if (later.integrationId === run.integrationId && later.start < run.end && later.worker !== run.worker)
        overlaps.push([run, later]);
    }
  }
  return overlaps;
}

/** Graph requests the sandbox served for a mailbox outside every run, of that mailbox, of the process that sent them. */
export function requestsOutsideTheirRuns(
  log: RequestLogEntry[],
  runsOf: (mailboxId: string, pid: string) => RunSpan[],
): RequestLogEntry[] {
  // Sandbox and database clocks are this machine's: a millisecond of rounding either side.
  const within = (entry: RequestLogEntry, run: RunSpan) =>
    Date.parse(entry.at) - entry.durationMs >= run.start - 1 && Date.parse(entry.at) <= run.end + 1;
  return log.filter((entry) => {
    const pid = /pid (\d+)\)/.exec(entry.userAgent ?? "")?.[1] ?? "";
    return !runsOf(entry.mailboxId ?? "", pid).some((run) => within(entry, run));
  });
}
