import type { Database } from "@agenda/db/client";
import { purgeAuditLog } from "@agenda/domain/audit";
import type { Logger } from "@agenda/observability/logger";
import PgBoss from "pg-boss";
import postgres from "postgres";

export const AUDIT_PURGE_QUEUE = "audit-log-purge";
/** Once a day, at an hour when nobody is busy (UTC). */
const DAILY = "17 3 * * *";

export interface AuditRetentionOptions {
  databaseUrl: string;
  db: Database;
  retentionDays: number;
  logger: Logger;
  /** When the purge runs, as a cron expression; daily by default. */
  cron?: string;
}

/**
 * The daily purge of audit entries older than the retention period, as a pg-boss schedule: however many servers run
 * it, each day's purge runs once (a singleton queue), on whichever takes it.
 */
export class AuditRetention {
  private constructor(private readonly boss: PgBoss) {}

  static async start(options: AuditRetentionOptions): Promise<AuditRetention> {
    const { logger } = options;
    const boss = new PgBoss({
      connectionString: options.databaseUrl,
      max: 2,
      application_name: "agenda-audit-retention",
    });
    boss.on("error", (error: Error) => logger.error({ err: error }, "audit retention queue error"));
    await boss.start();
    // pg-boss creates a queue by attaching a partition: two processes doing it at once (servers and the sync queue's
    // workers booting together) deadlock. The sync queue takes this same lock for the same reason.
    const session = postgres(options.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      await session`select pg_advisory_lock(hashtextextended('agenda:sync-queue-setup', 0))`;
      if (!(await boss.getQueue(AUDIT_PURGE_QUEUE)))
        await boss.createQueue(AUDIT_PURGE_QUEUE, { name: AUDIT_PURGE_QUEUE, policy: "singleton", retryLimit: 2 });
    } finally {
      await session.end();
    }
    await boss.schedule(AUDIT_PURGE_QUEUE, options.cron ?? DAILY);
    await boss.work(AUDIT_PURGE_QUEUE, async () => {
      const purged = await purgeAuditLog(options.db, options.retentionDays);
      logger.info({ ...purged, retentionDays: options.retentionDays }, "audit log purged");
    });
    return new AuditRetention(boss);
  }

  /** Queues a purge now, as the schedule does each day. */
  async purgeNow(): Promise<string | null> {
    return this.boss.send(AUDIT_PURGE_QUEUE, {});
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
