import { createDatabase } from "@agenda/db/client";
import { migrateDatabase } from "@agenda/db/migrate";
import { createOutlookServices } from "@agenda/sync/outlook-config";
import { subscriptionSettingsFor } from "@agenda/sync/notifications/subscriptions";
import { SyncEngine } from "@agenda/sync/sync-engine";
import { SyncQueue } from "@agenda/sync/sync-queue";
import exitHook from "async-exit-hook";
import { parseWorkerEnv } from "./env";

/**
 * A sync worker on its own, for deployments that scale out: it takes import and export jobs from the queue in the
 * shared Postgres. Run as many as needed, on as many machines; each mailbox is only ever synced by one at a time.
 */
async function main(): Promise<void> {
  const env = parseWorkerEnv(process.env);
  await migrateDatabase(env.DATABASE_URL);
  const database = createDatabase(env.DATABASE_URL);
  const outlook = createOutlookServices(database.db, {
    clientId: env.OUTLOOK_CLIENT_ID,
    clientSecret: env.OUTLOOK_CLIENT_SECRET,
    redirectUri: env.OUTLOOK_REDIRECT_URI,
    tenant: env.OUTLOOK_TENANT,
    authorityHost: env.OUTLOOK_AUTHORITY_HOST,
    graphOrigin: env.GRAPH_ORIGIN,
    vaultKey: env.TOKEN_ENCRYPTION_KEY,
    formerVaultKeys: env.TOKEN_ENCRYPTION_KEYS ?? [],
  });
  const publicUrl = env.OUTLOOK_NOTIFICATION_URL ?? env.BACKEND_URL;
  const notifications = subscriptionSettingsFor(outlook.graphOrigin, publicUrl);
  const engine = new SyncEngine(outlook, env.PLATFORM_URL, { notifications, pollIntervalMs: env.SYNC_POLL_INTERVAL_SECONDS * 1000 });
  const queue = await SyncQueue.start({ databaseUrl: env.DATABASE_URL, work: true, handlers: engine.handlers(), pollingIntervalSeconds: env.SYNC_POLL_SECONDS });
  engine.attach(queue);
  console.log(`Agenda sync worker ${process.pid} is taking jobs (Graph at ${outlook.graphOrigin}).`);
  console.log(
    notifications
      ? `Outlook changes are notified at ${notifications.notificationUrl}.`
      : `Outlook changes are polled every ${env.SYNC_POLL_INTERVAL_SECONDS} s (${publicUrl ? `Microsoft cannot reach ${publicUrl}` : "BACKEND_URL is not set"}).`,
  );

  exitHook((done) => {
    queue
      .stop()
      .then(() => database.close())
      .catch((error: unknown) => console.error("shutdown:", error))
      .finally(done);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
