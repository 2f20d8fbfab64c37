import { randomUUID } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { currentLogContext, silentLogger, withLogContext, type Logger } from "@agenda/observability/logger";
import { sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import postgres from "postgres";
import { z } from "zod";
import type { SyncRunTrigger } from "../runs/sync-run";

export const SYNC_QUEUES = {
  import: "outlook-import",
  export: "outlook-export",
  maintenance: "outlook-maintenance",
  renewal: "outlook-subscription-renewal",
} as const;
export type SyncQueueName = (typeof SYNC_QUEUES)[keyof typeof SYNC_QUEUES];

/** The queues whose jobs sync a mailbox (maintenance only queues them): listed for admins, gauged for operators. */
export const SYNC_JOB_QUEUES: readonly SyncQueueName[] = [SYNC_QUEUES.import, SYNC_QUEUES.export, SYNC_QUEUES.renewal];

export interface SyncJob {
  integrationId: string;
  trigger: SyncRunTrigger;
  /** The id its run takes, told to the person who asked for it (`importNow`) so they can follow it. */
  runId?: string;
  /** The API request that queued the job, when one did: its logs and the job's share it. */
  requestId?: string;
}

/** Microsoft asked to renew a subscription (`reauthorizationRequired`). */
export interface SubscriptionJob {
  integrationId: string;
  subscriptionId: string;
  requestId?: string;
}

/** What the workers of this process do with each kind of job. */
export interface SyncJobHandlers {
  import(job: SyncJob): Promise<unknown>;
  export(job: SyncJob): Promise<unknown>;
  renewSubscription(job: SubscriptionJob): Promise<unknown>;
  /** Periodic: enqueue what is due (polling imports, pending exports). */
  maintenance(): Promise<unknown>;
}

export interface FailedJob {
  id: string;
  queue: string;
  integrationId: string | null;
  trigger: string | null;
  retryCount: number;
  error: string | null;
  createdAt: string;
  failedAt: string | null;
}

export interface SyncQueueOptions {
  databaseUrl: string;
  /** How often maintenance runs, as a cron expression. */
  maintenanceCron?: string;
  /** How often idle workers look for jobs they were not woken for (retries, scheduled jobs, a missed wake-up). */
  pollingIntervalSeconds?: number;
  /**
   * How long an import asked for by change notifications waits for the rest of the burst: every notification of
   * a mailbox arriving meanwhile joins the same import.
   */
  notificationDebounceMs?: number;
  /** Attempts after the first, and the first backoff (it doubles), for import and export jobs. */
  retry?: { limit: number; delaySeconds: number };
  /** Where job failures and queue errors are logged. */
  logger?: Logger;
}

/**
 * pg-boss's SQL run on the caller's connection: inside a transaction, the jobs it writes commit with the change that
 * caused them, or not at all.
 */
function onConnectionOf(db: DatabaseOrTransaction): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const chunks = text
        .split(/\$(\d+)/)
        .map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1] ?? null}`));
      return { rows: [...(await db.execute(sql.join(chunks)))] };
    },
  };
}

interface JobToQueue {
  data: SyncJob | SubscriptionJob;
  /** At most one job of a key waits, and one runs: a job finding one waiting is absorbed by it. */
  singletonKey: string;
}

/**
 * Runs `work` while holding a database-wide lock: pg-boss creates a queue by attaching a partition to its job table,
 * and two processes doing it at once (two workers booting together) deadlock. The lock dies with its session.
 */
async function oneProcessAtATime(databaseUrl: string, work: () => Promise<void>): Promise<void> {
  const session = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await session`select pg_advisory_lock(hashtextextended('agenda:sync-queue-setup', 0))`;
    await work();
  } finally {
    await session.end();
  }
}

/**
 * Sync jobs on pg-boss in the product's own Postgres. One queue per kind; each integration is the singleton key of
 * a `stately` queue: at most one job of it waits and one runs, wherever the workers are, so a burst of triggers
 * collapses into one sync and no mailbox is synced twice at once. Failed attempts are retried with backoff and the
 * last failure stays visible to admins. Enqueueing wakes the workers of every process at once (Postgres
 * LISTEN/NOTIFY), so a job does not wait for their polling interval.
 */
export class SyncQueue {
  private constructor(
    private readonly boss: PgBoss,
    /** Carries the wake-ups to the processes that work (LISTEN); jobs announce themselves with NOTIFY. */
    private readonly wakeChannel: postgres.Sql,
    private readonly options: SyncQueueOptions,
    private readonly logger: Logger,
  ) {}

  #stopping = false;

  /** Until `stop`: readiness reports a stopping queue so balancers drain the process first. */
  get accepting(): boolean {
    return !this.#stopping;
  }

  static async start(options: SyncQueueOptions): Promise<SyncQueue> {
    const boss = new PgBoss({ connectionString: options.databaseUrl, max: 4, application_name: "agenda-jobs" });
    const logger = options.logger ?? silentLogger;
    boss.on("error", (error: Error) => logger.error({ err: error }, "sync queue error"));
    await boss.start();
    const retry = {
      retryLimit: options.retry?.limit ?? 5,
      retryDelay: options.retry?.delaySeconds ?? 15,
      retryBackoff: true,
      expireInSeconds: 30 * 60,
      deleteAfterDays: 7,
    };
    await oneProcessAtATime(options.databaseUrl, async () => {
      // Renewals are keyed by subscription: Microsoft's repeated reauthorizationRequired for one make one job.
      for (const name of SYNC_JOB_QUEUES) {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: "stately", ...retry });
      }
      if (!(await boss.getQueue(SYNC_QUEUES.maintenance))) {
        await boss.createQueue(SYNC_QUEUES.maintenance, {
          name: SYNC_QUEUES.maintenance,
          policy: "singleton",
          retryLimit: 0,
        });
      }
    });
    await boss.schedule(SYNC_QUEUES.maintenance, options.maintenanceCron ?? "* * * * *");
    const wakeChannel = postgres(options.databaseUrl, {
      max: 1,
      onnotice: () => {},
      connection: { application_name: "agenda-jobs-wake" },
    });
    return new SyncQueue(boss, wakeChannel, options, logger);
  }

  /** Takes jobs in this process from now on, woken as soon as any process queues one. */
  async work(handlers: SyncJobHandlers): Promise<void> {
    const { boss, logger } = this;
    const polling = { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 };
    const workers = new Map<string, string>();
    const work = async <T extends object>(queue: SyncQueueName, handle: (data: T) => Promise<unknown>) => {
      const id = await boss.work<T>(queue, polling, async ([job]) => {
        try {
          if (!job) return undefined;
          const requestId = (job.data as { requestId?: unknown }).requestId;
          const context = { queue, jobId: job.id, requestId: typeof requestId === "string" ? requestId : undefined };
          return await withLogContext(context, () =>
            handle(job.data).catch((error: unknown) => {
              logger.warn({ err: error }, "sync job failed; pg-boss retries it until its retry limit");
              throw error;
            }),
          );
        } finally {
          // pg-boss marks the job completed without waiting before it fetches the next one, and a job of the same
          // mailbox queued meanwhile cannot be fetched until that commits (one active per key): look again just after.
          const self = workers.get(queue);
          if (self) setTimeout(() => boss.notifyWorker(self), COMPLETION_SLACK_MS).unref();
        }
      });
      workers.set(queue, id);
    };
    await work<SyncJob>(SYNC_QUEUES.import, (job) => handlers.import(job));
    await work<SyncJob>(SYNC_QUEUES.export, (job) => handlers.export(job));
    await work<SubscriptionJob>(SYNC_QUEUES.renewal, (job) => handlers.renewSubscription(job));
    await work<object>(SYNC_QUEUES.maintenance, () => handlers.maintenance());
    await this.wakeChannel.listen(WAKE_CHANNEL, (payload) => wakeWorkers(boss, workers, payload));
  }

  /** Queues imports of the integrations; a job already waiting for one absorbs its import. Answers the jobs queued. */
  async enqueueImports(
    db: DatabaseOrTransaction,
    integrationIds: Iterable<string>,
    trigger: SyncRunTrigger,
  ): Promise<string[]> {
    return this.#enqueue(db, SYNC_QUEUES.import, syncJobs(integrationIds, trigger), 0);
  }

  /**
   * Queues an import someone asked for and waits on, its run to take `runId`. Answers whether it was queued: a job
   * already waiting for the integration absorbs it (that job's run is then the one to follow).
   */
  async enqueueRequestedImport(db: DatabaseOrTransaction, integrationId: string, runId: string): Promise<boolean> {
    const jobs = [{ data: { integrationId, trigger: "manual" as const, runId }, singletonKey: integrationId }];
    return (await this.#enqueue(db, SYNC_QUEUES.import, jobs, 0)).length > 0;
  }

  /**
   * Queues the imports change notifications ask for, due after the debounce window: the rest of the burst finds them
   * waiting and joins them, so a burst is one sync.
   */
  async enqueueNotificationImports(db: DatabaseOrTransaction, integrationIds: Iterable<string>): Promise<string[]> {
    return this.#enqueue(
      db,
      SYNC_QUEUES.import,
      syncJobs(integrationIds, "notification"),
      this.options.notificationDebounceMs ?? DEFAULT_DEBOUNCE_MS,
    );
  }

  async enqueueExports(
    db: DatabaseOrTransaction,
    integrationIds: Iterable<string>,
    trigger: SyncRunTrigger,
  ): Promise<string[]> {
    return this.#enqueue(db, SYNC_QUEUES.export, syncJobs(integrationIds, trigger), 0);
  }

  async enqueueSubscriptionRenewals(db: DatabaseOrTransaction, renewals: SubscriptionJob[]): Promise<string[]> {
    const jobs = renewals.map((data) => ({ data, singletonKey: data.subscriptionId }));
    return this.#enqueue(
      db,
      SYNC_QUEUES.renewal,
      jobs.sort((a, b) => a.singletonKey.localeCompare(b.singletonKey)),
      0,
    );
  }

  /**
   * Writes the jobs in one statement on `db` (the caller's transaction, if any), then tells every working process
   * when to fetch them: inside a transaction, the wake-up is delivered at commit too. Absorbed jobs were announced
   * already.
   */
  async #enqueue(
    db: DatabaseOrTransaction,
    queue: SyncQueueName,
    jobs: JobToQueue[],
    delayMs: number,
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const { requestId } = currentLogContext();
    const inserts = jobs.map(({ data, singletonKey }) => ({
      id: randomUUID(),
      name: queue,
      data: requestId ? { ...data, requestId } : data,
      singletonKey,
      // pg-boss adds an interval to the database's now(): the due time and the fetch share one clock.
      ...(delayMs > 0 ? { startAfter: `${delayMs / 1000} seconds` } : {}),
    }));
    await this.boss.insert(inserts, { db: onConnectionOf(db) });
    const ids = inserts.map(({ id }) => id);
    const queued = await db.execute<{ id: string }>(
      sql`select id from pgboss.job where name = ${queue} and id in ${ids}`,
    );
    if (queued.length > 0)
      await db.execute(sql`select pg_notify(${WAKE_CHANNEL}, ${JSON.stringify({ queue, delayMs } satisfies WakeUp)})`);
    return queued.map(({ id }) => id);
  }

  /** Jobs that used up their retries, newest first. */
  async failedJobs(limit = 100): Promise<FailedJob[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `select id, name, data, retry_count, output, created_on, completed_on from pgboss.job
       where state = 'failed' and name = any($1) order by completed_on desc nulls last limit $2`,
      [SYNC_JOB_QUEUES, limit],
    );
    return (rows as Array<Record<string, unknown>>).map((row) => {
      const data = (row.data ?? {}) as Partial<SyncJob>;
      const output = (row.output ?? {}) as { message?: string };
      return {
        id: String(row.id),
        queue: String(row.name),
        integrationId: data.integrationId ?? null,
        trigger: data.trigger ?? null,
        retryCount: Number(row.retry_count),
        error: output.message ?? null,
        createdAt: new Date(row.created_on as string).toISOString(),
        failedAt: row.completed_on ? new Date(row.completed_on as string).toISOString() : null,
      };
    });
  }

  async retryJob(queue: SyncQueueName, id: string): Promise<void> {
    await this.boss.retry(queue, id);
  }

  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), then closes. */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.#stopping = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    await this.wakeChannel.end({ timeout: 5 });
  }
}

const WAKE_CHANNEL = "agenda_sync_jobs";
const DEFAULT_DEBOUNCE_MS = 100;
/** A wake-up for a delayed job comes this much after its due time, so the database already considers it due. */
const WAKE_SLACK_MS = 5;
/** How long after a job ends its worker looks for the next one of the same key (see `work`). */
const COMPLETION_SLACK_MS = 15;

const wakeUp = z.object({ queue: z.string(), delayMs: z.number().nonnegative() });
type WakeUp = z.output<typeof wakeUp>;

/**
 * One job per integration, in the order of their ids: two transactions queueing jobs for the same mailboxes wait for
 * each other's singleton keys in the same order, never each for the other.
 */
function syncJobs(integrationIds: Iterable<string>, trigger: SyncRunTrigger): JobToQueue[] {
  return [...new Set(integrationIds)]
    .sort()
    .map((integrationId) => ({ data: { integrationId, trigger }, singletonKey: integrationId }));
}

/** Wakes this process's worker of the queue named in a NOTIFY payload, when its job is due. */
function wakeWorkers(boss: PgBoss, workers: Map<string, string>, payload: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return;
  }
  const wake = wakeUp.safeParse(parsed);
  const workerId = wake.success ? workers.get(wake.data.queue) : undefined;
  if (!wake.success || !workerId) return;
  if (wake.data.delayMs === 0) {
    boss.notifyWorker(workerId);
    return;
  }
  setTimeout(() => boss.notifyWorker(workerId), wake.data.delayMs + WAKE_SLACK_MS).unref();
}
