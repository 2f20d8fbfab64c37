import PgBoss from "pg-boss";
import type { SyncRunTrigger } from "./sync-run";

export const SYNC_QUEUES = { import: "outlook-import", export: "outlook-export", maintenance: "outlook-maintenance" } as const;
export type SyncQueueName = (typeof SYNC_QUEUES)[keyof typeof SYNC_QUEUES];

export interface SyncJob {
  integrationId: string;
  trigger: SyncRunTrigger;
}

/** What the workers of this process do with each kind of job. */
export interface SyncJobHandlers {
  import(job: SyncJob): Promise<unknown>;
  export(job: SyncJob): Promise<unknown>;
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
  /** Take jobs in this process (the server does by default; a web-only process does not). */
  work: boolean;
  handlers: SyncJobHandlers;
  /** How often maintenance runs, as a cron expression. */
  maintenanceCron?: string;
  /** How often idle workers look for jobs. */
  pollingIntervalSeconds?: number;
  /** Attempts after the first, and the first backoff (it doubles), for import and export jobs. */
  retry?: { limit: number; delaySeconds: number };
}

/**
 * Sync jobs on pg-boss in the product's own Postgres. One queue per kind; each integration is the singleton key of
 * a `stately` queue: at most one job of it waits and one runs, wherever the workers are, so a burst of triggers
 * collapses into one sync and no mailbox is synced twice at once. Failed attempts are retried with backoff and the
 * last failure stays visible to admins.
 */
export class SyncQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(options: SyncQueueOptions): Promise<SyncQueue> {
    const boss = new PgBoss({ connectionString: options.databaseUrl, max: 4, application_name: "agenda-jobs" });
    boss.on("error", (error: Error) => console.error("sync queue:", error.message));
    await boss.start();
    const retry = {
      retryLimit: options.retry?.limit ?? 5,
      retryDelay: options.retry?.delaySeconds ?? 15,
      retryBackoff: true,
      expireInSeconds: 30 * 60,
      deleteAfterDays: 7,
    };
    for (const name of [SYNC_QUEUES.import, SYNC_QUEUES.export]) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: "stately", ...retry });
    }
    if (!(await boss.getQueue(SYNC_QUEUES.maintenance))) {
      await boss.createQueue(SYNC_QUEUES.maintenance, { name: SYNC_QUEUES.maintenance, policy: "singleton", retryLimit: 0 });
    }
    await boss.schedule(SYNC_QUEUES.maintenance, options.maintenanceCron ?? "*/5 * * * *");

    if (options.work) {
      const polling = { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 };
      const { handlers } = options;
      await boss.work<SyncJob>(SYNC_QUEUES.import, polling, async ([job]) => (job ? handlers.import(job.data) : undefined));
      await boss.work<SyncJob>(SYNC_QUEUES.export, polling, async ([job]) => (job ? handlers.export(job.data) : undefined));
      await boss.work(SYNC_QUEUES.maintenance, polling, () => handlers.maintenance());
    }
    return new SyncQueue(boss);
  }

  /** Queues an import of the integration; a job already waiting for it absorbs this one. */
  async enqueueImport(integrationId: string, trigger: SyncRunTrigger): Promise<string | null> {
    return this.boss.send(SYNC_QUEUES.import, { integrationId, trigger } satisfies SyncJob, { singletonKey: integrationId });
  }

  async enqueueExport(integrationId: string, trigger: SyncRunTrigger): Promise<string | null> {
    return this.boss.send(SYNC_QUEUES.export, { integrationId, trigger } satisfies SyncJob, { singletonKey: integrationId });
  }

  /** Jobs that used up their retries, newest first. */
  async failedJobs(limit = 100): Promise<FailedJob[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `select id, name, data, retry_count, output, created_on, completed_on from pgboss.job
       where state = 'failed' and name = any($1) order by completed_on desc nulls last limit $2`,
      [[SYNC_QUEUES.import, SYNC_QUEUES.export], limit],
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
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
  }
}
