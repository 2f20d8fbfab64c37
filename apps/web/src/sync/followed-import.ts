import type { SyncStatus } from "../api/trpc";

export type ImportRun = NonNullable<SyncStatus["importRun"]>;

/** What the person asked for: the run `importNow` answered (null: an import already waiting took theirs in). */
export interface AskedImport {
  runId: string | null;
  /** The latest import when they asked: with no run id, the next one after it is theirs. */
  previousRunId: string | null;
}

/** Where the import a person asked for stands, from what the status stream says of the latest import. */
export type FollowedImport = { stage: "queued" } | { stage: "running" | "succeeded" | "failed"; run: ImportRun };

export function followedImport(asked: AskedImport, latest: ImportRun | null | undefined): FollowedImport {
  const theirs = latest && (asked.runId ? latest.id === asked.runId : latest.id !== asked.previousRunId);
  if (!latest || !theirs) return { stage: "queued" };
  return { stage: latest.status, run: latest };
}
