import { timingSafeEqual } from "node:crypto";
import type { Database } from "@agenda/db/client";
import type { GraphAttempt } from "@agenda/graph/graph-middleware";
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What this process counts as it works (sync runs, Graph calls): one set per process, whatever serves it. */
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: "agenda_process_" });

const syncRuns = new Counter({
  name: "agenda_sync_runs_total",
  help: "Sync runs finished by this process, by kind, trigger and status.",
  labelNames: ["kind", "trigger", "status"] as const,
  registers: [processRegistry],
});
const syncRunDuration = new Histogram({
  name: "agenda_sync_run_duration_seconds",
  help: "How long sync runs took, by kind and status.",
  labelNames: ["kind", "status"] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [processRegistry],
});
const graphRequests = new Counter({
  name: "agenda_graph_requests_total",
  help: "Microsoft Graph attempts by HTTP status (none: no response, e.g. a reset or a timeout).",
  labelNames: ["status"] as const,
  registers: [processRegistry],
});
const graphThrottled = new Counter({
  name: "agenda_graph_throttled_total",
  help: "Microsoft Graph answers 429 Too Many Requests.",
  registers: [processRegistry],
});
const graphRetryWait = new Histogram({
  name: "agenda_graph_retry_wait_seconds",
  help: "How long the Graph client waited before retrying, by the status that made it retry.",
  labelNames: ["status"] as const,
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120],
  registers: [processRegistry],
});

const webhookItemsRejected = new Counter({
  name: "agenda_webhook_items_rejected_total",
  help: "Items posted to the Outlook webhooks that this process rejected, by webhook and reason (unknown_subscription, client_state_mismatch).",
  labelNames: ["kind", "reason"] as const,
  registers: [processRegistry],
});

export function recordSyncRun(kind: string, trigger: string, status: "succeeded" | "failed", durationMs: number): void {
  syncRuns.inc({ kind, trigger, status });
  syncRunDuration.observe({ kind, status }, durationMs / 1000);
}

export function recordGraphAttempt(attempt: GraphAttempt): void {
  const status = attempt.status === undefined ? "none" : String(attempt.status);
  graphRequests.inc({ status });
  if (attempt.status === 429) graphThrottled.inc();
  if (attempt.retryInMs !== undefined) graphRetryWait.observe({ status }, attempt.retryInMs / 1000);
}

export function recordWebhookItemRejected(kind: string, reason: string): void {
  webhookItemsRejected.inc({ kind, reason });
}

/** Gauges read from the shared database at scrape time: every process reports the same deployment-wide values. */
function databaseRegistry(db: Database, jobQueues: readonly string[]): Registry {
  const registry = new Registry();
  new Gauge({
    name: "agenda_metrics_database_up",
    help: "1 when the database answered this scrape, 0 when it did not (its gauges are left out then).",
    registers: [registry],
    async collect() {
      this.set(
        await db.execute(sql`select 1`).then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  /** A scrape still serves this process's counters when the database is down. */
  const fromDatabase = <G extends Gauge>(read: (gauge: G) => Promise<void>) =>
    async function collect(this: G) {
      try {
        await read(this);
      } catch {
        this.reset();
      }
    };
  new Gauge({
    name: "agenda_queue_jobs",
    help: "Sync jobs waiting (created, retry) or running (active), by queue and state.",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    collect: fromDatabase(async (gauge) => {
      const rows = await db.execute<{ name: string; state: string; jobs: number }>(
        sql`select name, state::text, count(*)::int as jobs from pgboss.job
            where name in ${jobQueues} and state in ('created', 'retry', 'active') group by name, state`,
      );
      for (const queue of jobQueues) for (const state of ["created", "retry", "active"]) gauge.set({ queue, state }, 0);
      for (const row of rows) gauge.set({ queue: row.name, state: row.state }, row.jobs);
    }),
  });
  new Gauge({
    name: "agenda_queue_oldest_job_age_seconds",
    help: "Age of the oldest due job still waiting, by queue (0 when none waits).",
    labelNames: ["queue"] as const,
    registers: [registry],
    collect: fromDatabase(async (gauge) => {
      const rows = await db.execute<{ name: string; age: number }>(
        sql`select name, extract(epoch from now() - min(start_after))::float8 as age from pgboss.job
            where name in ${jobQueues} and state in ('created', 'retry') and start_after <= now() group by name`,
      );
      for (const queue of jobQueues) gauge.set({ queue }, rows.find((row) => row.name === queue)?.age ?? 0);
    }),
  });
  new Gauge({
    name: "agenda_subscriptions_expiring_24h",
    help: "Outlook change-notification subscriptions that expire within 24 hours.",
    registers: [registry],
    collect: fromDatabase(async (gauge) => {
      const [row] = await db.execute<{ expiring: number }>(
        sql`select count(*)::int as expiring from graph_subscriptions where expires_at < now() + interval '24 hours'`,
      );
      gauge.set(row?.expiring ?? 0);
    }),
  });
  new Gauge({
    name: "agenda_integrations",
    help: "Outlook integrations by status.",
    labelNames: ["status"] as const,
    registers: [registry],
    collect: fromDatabase(async (gauge) => {
      const rows = await db.execute<{ status: string; integrations: number }>(
        sql`select status::text, count(*)::int as integrations from calendar_integrations group by status`,
      );
      for (const status of ["active", "needs_reauth", "error", "disconnected"])
        gauge.set({ status }, rows.find((row) => row.status === status)?.integrations ?? 0);
    }),
  });
  return registry;
}

/**
 * The Prometheus registry a /metrics endpoint serves: this process's counters and the deployment's gauges, the job
 * gauges over the pg-boss queues named.
 */
export function metricsRegistryFor(db: Database, jobQueues: readonly string[]): Registry {
  return Registry.merge([processRegistry, databaseRegistry(db, jobQueues)]);
}

/** Whether an Authorization header carries `token` as its bearer (compared in constant time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
