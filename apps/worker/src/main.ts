import { createDatabase } from "@agenda/db/client";
import { migrateDatabase } from "@agenda/db/migrate";
import { createLogger, loggerSettingsFor } from "@agenda/observability/logger";
import { startSync } from "@agenda/sync";
import { subscriptionSettingsFor } from "@agenda/sync/notification-endpoints";
import { createOutlookServices } from "@agenda/sync/outlook-config";
import exitHook from "async-exit-hook";
import { parseWorkerEnv } from "./env";
import { startWorkerOperationsServer } from "./operations-server";

/**
 * A sync worker on its own, for deployments that scale out: it takes import and export jobs from the queue in the
 * shared Postgres. Run as many as needed, on as many machines; each mailbox is only ever synced by one at a time.
 */
async function main(): Promise<void> {
  const env = parseWorkerEnv(process.env);
  const logger = createLogger({ ...loggerSettingsFor(env.NODE_ENV, env.LOG_LEVEL), name: "worker" });
  await migrateDatabase(env.DATABASE_URL);
  const database = createDatabase(env.DATABASE_URL);
  const outlook = createOutlookServices(
    database.db,
    {
      clientId: env.OUTLOOK_CLIENT_ID,
      clientSecret: env.OUTLOOK_CLIENT_SECRET,
      redirectUri: env.OUTLOOK_REDIRECT_URI,
      tenant: env.OUTLOOK_TENANT,
      authorityHost: env.OUTLOOK_AUTHORITY_HOST,
      graphOrigin: env.GRAPH_ORIGIN,
      vaultKey: env.TOKEN_ENCRYPTION_KEY,
      formerVaultKeys: env.TOKEN_ENCRYPTION_KEYS ?? [],
    },
    logger,
  );
  const publicUrl = env.OUTLOOK_NOTIFICATION_URL ?? env.BACKEND_URL;
  const notifications = subscriptionSettingsFor(outlook.graphOrigin, publicUrl);
  const sync = await startSync({
    outlook,
    databaseUrl: env.DATABASE_URL,
    platformUrl: env.PLATFORM_URL,
    work: true,
    notifications,
    pollIntervalMs: env.SYNC_POLL_INTERVAL_SECONDS * 1000,
    addinId: env.OUTLOOK_ADDIN_ID,
    queue: { pollingIntervalSeconds: env.SYNC_POLL_SECONDS },
  });
  const operations =
    env.METRICS_PORT === undefined
      ? undefined
      : await startWorkerOperationsServer({
          db: database.db,
          queue: sync.queue,
          host: env.METRICS_HOST,
          port: env.METRICS_PORT,
          metricsToken: env.METRICS_TOKEN,
          logger,
        });
  logger.info(`Agenda sync worker ${process.pid} is taking jobs (Graph at ${outlook.graphOrigin}).`);
  logger.info(
    notifications
      ? `Outlook changes are notified at ${notifications.notificationUrl}.`
      : `Outlook changes are polled every ${env.SYNC_POLL_INTERVAL_SECONDS} s (${publicUrl ? `Microsoft cannot reach ${publicUrl}` : "BACKEND_URL is not set"}).`,
  );
  if (operations)
    logger.info(
      `Worker ${process.pid} probes and metrics at http://${env.METRICS_HOST}:${operations.port}/readyz and /metrics.`,
    );

  // SIGTERM: stop taking jobs and let running ones finish, then close the database. pg-boss fails a job still running
  // after SHUTDOWN_TIMEOUT_SECONDS, so another worker retries it (an import resumes from its saved page); closing the
  // database ends its mailbox lock, so that retry never runs beside it.
  exitHook((done) => {
    operations?.server.close();
    sync
      .stop(env.SHUTDOWN_TIMEOUT_SECONDS * 1000)
      .then(() => database.close())
      .catch((error: unknown) => logger.error({ err: error }, "shutdown failed"))
      .finally(done);
  });
}

main().catch((error: unknown) => {
  // Before the logger exists (an invalid configuration): plain text, for the operator reading it.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
