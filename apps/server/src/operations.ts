import type { Database } from "@agenda/db/client";
import type { Logger } from "@agenda/observability/logger";
import { bearerMatches, metricsRegistryFor } from "@agenda/observability/metrics";
import {
  checkReadiness,
  databaseCheck,
  migrationsCheck,
  queueCheck,
  type ReadinessCheck,
} from "@agenda/observability/readiness";
import { SYNC_JOB_QUEUES } from "@agenda/sync/sync-queue";
import { Hono } from "hono";

export interface OperationsOptions {
  db: Database;
  /** The job queue of this process, when it has one: readiness fails once it stops (draining on SIGTERM). */
  queue?: { readonly accepting: boolean } | null;
  /** Bearer token /metrics asks for; without it, /metrics is not served on the public port. */
  metricsToken?: string | undefined;
  /** Where a failed readiness check's error goes, for the operator: /readyz itself only names the check and a reason. */
  logger: Logger;
}

/** The probes and metrics operators and orchestrators read: outside the API, its authentication and its rate limits. */
export function operationsRoutes(options: OperationsOptions) {
  const checks: ReadinessCheck[] = [databaseCheck(options.db), migrationsCheck(options.db)];
  if (options.queue) checks.push(queueCheck(options.queue));
  const registry = metricsRegistryFor(options.db, SYNC_JOB_QUEUES);
  const { metricsToken, logger } = options;

  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const report = await checkReadiness(checks, logger);
      return c.json(
        { status: report.ready ? "ready" : "unavailable", checks: report.checks },
        report.ready ? 200 : 503,
      );
    })
    .get("/metrics", async (c) => {
      if (!metricsToken || !bearerMatches(c.req.header("authorization"), metricsToken)) {
        c.header("www-authenticate", 'Bearer realm="metrics"');
        return c.text(
          metricsToken
            ? "metrics need the METRICS_TOKEN bearer token\n"
            : "metrics are disabled: METRICS_TOKEN is not set\n",
          401,
        );
      }
      return c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
    });
}
