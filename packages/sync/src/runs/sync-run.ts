import { hostname } from "node:os";
import type { Database } from "@agenda/db/client";
import { calendarIntegrations, syncRuns, type SyncRunIssue } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { isUserActive } from "@agenda/domain/users";
import type { RetrySettings } from "@agenda/graph/graph-middleware";
import { GraphError, type Client } from "@microsoft/microsoft-graph-client";
import { and, eq } from "drizzle-orm";
import { publishIntegrationStatus } from "../status/integration-status";
import { withLogContext } from "@agenda/observability/logger";
import { recordGraphAttempt, recordSyncRun } from "@agenda/observability/metrics";
import { outlookFailureOf, type OutlookServices } from "../connection/outlook-services";
import { INTERRUPTED_RUN } from "./run-history";
import { Semaphore } from "./semaphore";

export type IntegrationRow = typeof calendarIntegrations.$inferSelect;
export type SyncRunKind = (typeof syncRuns.$inferInsert)["kind"];
export type SyncRunTrigger = (typeof syncRuns.$inferInsert)["trigger"];

/** Recorded on each run, to tell which process of a scaled-out deployment synced a mailbox when. */
const THIS_PROCESS = `${hostname()} ${process.pid}`;

/** What a run counts as it goes; stored on its sync_runs row at the end. */
export interface SyncStats {
  created: number;
  updated: number;
  deleted: number;
  /** Events whose write to Outlook failed (they say so now); counted for the status stream, not kept on the run. */
  failed: number;
  /** Delta pages read (imports). */
  pages: number;
  /** Graph requests sent, retries included. */
  requests: number;
  throttled: number;
  issues: SyncRunIssue[];
}

/** Everything an import or export of one integration works with. */
export interface SyncRun {
  id: string;
  db: Database;
  services: OutlookServices;
  integration: IntegrationRow;
  /** Graph for this mailbox; every attempt it makes is counted in `stats`. */
  graph: Client;
  stats: SyncStats;
}

export interface SyncRunSummary<T> {
  runId: string;
  stats: SyncStats;
  durationMs: number;
  result: T;
}

const lockSlotsByPool = new WeakMap<object, Semaphore>();

/**
 * How many lock connections a process holds at once: half its pool. A run holding a mailbox's lock keeps its
 * connection for the whole run, so without a bound, as many runs as the pool has connections (many mailboxes syncing
 * at once) would reserve them all and leave none for their own queries: every query would hang.
 */
function lockSlotsOf(db: Database): Semaphore {
  let slots = lockSlotsByPool.get(db.$client);
  if (!slots) {
    slots = new Semaphore(Math.max(1, Math.floor(db.$client.options.max / 2)));
    lockSlotsByPool.set(db.$client, slots);
  }
  return slots;
}

/** The pauses of a run finding its mailbox's lock taken: short at first, most runs ending within a second, then bounded. */
const FIRST_LOCK_RETRY_MS = 20;
const LAST_LOCK_RETRY_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds the integration's lock for the time of `work`: whichever process runs an import or an export of a mailbox,
 * no other process touches that mailbox meanwhile (a session advisory lock on a connection of its own). A run that
 * finds the lock taken gives its slot and connection back while it waits, then tries again: were it to wait holding
 * them, runs piling up on one busy mailbox would take every slot and hold up the runs of all the others.
 */
export async function withIntegrationLock<T>(db: Database, integrationId: string, work: () => Promise<T>): Promise<T> {
  const slots = lockSlotsOf(db);
  for (let pauseMs = FIRST_LOCK_RETRY_MS; ; pauseMs = Math.min(2 * pauseMs, LAST_LOCK_RETRY_MS)) {
    await slots.acquire();
    try {
      const attempt = await withReservedIntegrationLockIfFree(db, integrationId, work);
      if (attempt.locked) return attempt.result;
    } finally {
      slots.release();
    }
    await sleep(pauseMs);
  }
}

async function withReservedIntegrationLockIfFree<T>(
  db: Database,
  integrationId: string,
  work: () => Promise<T>,
): Promise<{ locked: true; result: T } | { locked: false }> {
  const connection = await db.$client.reserve();
  try {
    const [lock] = await connection<
      Array<{ locked: boolean }>
    >`select pg_try_advisory_lock(hashtextextended(${integrationId}, 0)) as locked`;
    if (!lock?.locked) return { locked: false };
    try {
      return { locked: true, result: await work() };
    } finally {
      await connection`select pg_advisory_unlock(hashtextextended(${integrationId}, 0))`;
    }
  } finally {
    connection.release();
  }
}

/** Graph statuses that refuse the request itself (bad request, access denied): retrying sends the same refusal. */
const REFUSED_STATUSES = new Set([400, 403]);

/**
 * What a run's failure is called: Microsoft out of reach or answering a link elsewhere (see `outlookFailureOf`), and
 * Graph refusing a request (400, 403) OUTLOOK_REQUEST_REFUSED, which the user can be told in words.
 */
export function runFailureOf(error: unknown): unknown {
  const failure = outlookFailureOf(error);
  if (failure instanceof GraphError && REFUSED_STATUSES.has(failure.statusCode))
    return new DomainError("OUTLOOK_REQUEST_REFUSED", { status: failure.statusCode });
  return failure;
}

/** Errors said to users and stored on runs: never a token (they are not in messages), at most 500 characters. */
function describe(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/**
 * Under the integration's lock no other run of it is alive: a row still `running` was left by a process stopped
 * mid-run (shutdown past its bound, a crash), whose job the queue handed to this one. It is closed as failed.
 */
async function closeInterruptedRuns(db: Database, integrationId: string): Promise<void> {
  await db
    .update(syncRuns)
    .set({ status: "failed", finishedAt: new Date(), error: INTERRUPTED_RUN })
    .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.status, "running")));
}

/**
 * Runs one import or export of an active integration under its lock, recorded as a sync run: counts, Graph requests,
 * duration, issues; and the integration's last sync result. A failure is recorded, then thrown. `retry`: how its
 * Graph requests retry, a job's schedule by default.
 */
export async function runSync<T>(
  services: OutlookServices,
  integrationId: string,
  kind: SyncRunKind,
  trigger: SyncRunTrigger,
  work: (run: SyncRun) => Promise<T>,
  retry?: RetrySettings,
  /** The run's id, when the one who queued it told it to someone waiting for it (`importNow`). */
  runId?: string,
): Promise<SyncRunSummary<T>> {
  const { db } = services;
  return withIntegrationLock(db, integrationId, async () => {
    const [integration] = await db
      .select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integrationId));
    if (!integration || integration.status === "disconnected") throw new DomainError("OUTLOOK_NOT_CONNECTED");
    if (integration.status === "needs_reauth")
      throw new DomainError("OUTLOOK_NEEDS_REAUTH", { reason: integration.statusReason ?? "" });
    // Someone who left the platform keeps their Microsoft grant until they revoke it: Agenda stops using it.
    if (!(await isUserActive(db, integration.userId))) throw new DomainError("USER_DEACTIVATED");

    await closeInterruptedRuns(db, integrationId);
    const stats: SyncStats = {
      created: 0,
      updated: 0,
      deleted: 0,
      failed: 0,
      pages: 0,
      requests: 0,
      throttled: 0,
      issues: [],
    };
    const values = { integrationId, kind, trigger, worker: THIS_PROCESS };
    // A retried job brings the id its first attempt's run took: the retry is a run of its own.
    const [named] = runId
      ? await db
          .insert(syncRuns)
          .values({ id: runId, ...values })
          .onConflictDoNothing()
          .returning({ id: syncRuns.id })
      : [];
    const [row] = named ? [named] : await db.insert(syncRuns).values(values).returning({ id: syncRuns.id });
    if (!row) throw new Error("sync run insert returned no row");
    await publishIntegrationStatus(db, integration.userId);
    const graph = services.graphFor(integrationId, {
      retry,
      onAttempt: (attempt) => {
        stats.requests++;
        if (attempt.status === 429) stats.throttled++;
        recordGraphAttempt(attempt);
      },
    });
    const started = Date.now();
    const finish = async (status: "succeeded" | "failed", error?: string) => {
      const counts = { created: stats.created, updated: stats.updated, deleted: stats.deleted };
      await db
        .update(syncRuns)
        .set({
          status,
          finishedAt: new Date(),
          ...counts,
          pages: stats.pages,
          requests: stats.requests,
          throttled: stats.throttled,
          issues: stats.issues.slice(0, 100),
          error,
        })
        .where(eq(syncRuns.id, row.id));
      await db
        .update(calendarIntegrations)
        .set({
          lastSyncAt: new Date(),
          lastSyncResult: { ok: status === "succeeded", ...counts, ...(error ? { error } : {}) },
        })
        .where(eq(calendarIntegrations.id, integrationId));
      await publishIntegrationStatus(db, integration.userId, { ...counts, failed: stats.failed });
      recordSyncRun(kind, trigger, status, Date.now() - started);
      const outcome = {
        runId: row.id,
        integrationId,
        kind,
        trigger,
        status,
        ...counts,
        requests: stats.requests,
        throttled: stats.throttled,
        durationMs: Date.now() - started,
      };
      if (error) services.logger.warn({ ...outcome, error }, "sync run failed");
      else services.logger.info(outcome, "sync run finished");
    };
    try {
      // Graph calls and everything else logged by the run carry its id (and the request or job that started it).
      const result = await withLogContext({ runId: row.id, integrationId }, () =>
        work({ id: row.id, db, services, integration, graph, stats }),
      );
      await finish("succeeded");
      return { runId: row.id, stats, durationMs: Date.now() - started, result };
    } catch (error) {
      // What the run and its caller are told: a DomainError where the product can say what happened.
      const cause = runFailureOf(error);
      await finish("failed", describe(cause));
      throw cause;
    }
  });
}

/**
 * Keeps a running import's record current after each page (pages read, what they changed) and tells the user's
 * status stream, so whoever waits on the import watches its counts grow.
 */
export async function recordRunProgress(run: SyncRun, progress: ImportProgress): Promise<void> {
  run.stats.pages = progress.pages;
  await run.services.db
    .update(syncRuns)
    .set({ pages: progress.pages, created: progress.created, updated: progress.updated, deleted: progress.deleted })
    .where(eq(syncRuns.id, run.id));
  await publishIntegrationStatus(run.services.db, run.integration.userId);
}

/** How far a run has gone, as the import reports it page by page. */
export interface ImportProgress {
  pages: number;
  created: number;
  updated: number;
  deleted: number;
}
