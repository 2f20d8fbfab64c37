import { createHash, randomUUID } from "node:crypto";
import { agendaEvents, auditLog, calendarIntegrations, graphSubscriptions, syncRuns } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { and, eq, gte, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIntegrations, updateOutlookSettings } from "../connection/integrations";
import { disconnectOutlook } from "../connection/outlook-connection";
import type { OutlookServices } from "../connection/outlook-services";
import { SYNC_JOB_QUEUES } from "../jobs/sync-queue";
import { startSync, type Sync } from "../start-sync";
import type { SyncEngine } from "../sync-engine";
import { silentLogger } from "@agenda/observability/logger";
import { capturingLogger } from "@agenda/observability/capturing-logger";
import { metricsRegistryFor } from "@agenda/observability/metrics";
import { connectTestUser, testOutlookServices } from "../testing/connect";
import { startNotificationReceiver, type NotificationReceiver } from "../testing/notification-receiver";
import { NOTIFICATION_PATHS } from "./notification-endpoints";
import { answerChangeNotifications } from "./webhooks";
import { WebhookRejections } from "./webhook-rejections";
import { subscriptionSettingsFor, type SubscriptionSettings } from "./notification-endpoints";
import { ensureSubscriptions, renewSubscriptionNow, type SubscriptionContext } from "./subscriptions";

const database = useTestDatabase();
const MAILBOXES = ["ana", "ben", "carla", "dan", "eve", "fay", "gus", "hal", "ida"].map(
  (name) => `${name}@contoso.test`,
);
// The sandbox's periodic reauthorizationRequired stays out of these tests; they send lifecycle events themselves.
const sandbox = useSandbox(
  MAILBOXES.map((userPrincipalName) => ({ userPrincipalName })),
  { graph: { subscriptions: { lifecycleCheckIntervalMs: 3_600_000 } } },
);

const LIFETIME_MINUTES = 180;
/** Wide, so a burst sent by a loaded test machine (CI runs three workspaces at once on two cores) still lands inside one window: 1 s was once too short. */
const DEBOUNCE_MS = 3_000;

let services: OutlookServices;
let sync: Sync;
let engine: SyncEngine;
let receiver: NotificationReceiver;
const webhookLogs = capturingLogger("warn");
let settings: SubscriptionSettings;

beforeAll(async () => {
  services = testOutlookServices(database().db, sandbox());
  receiver = await startNotificationReceiver(database().db, () => sync.queue, webhookLogs.logger);
  const endpoints = subscriptionSettingsFor(sandbox().url, receiver.url);
  if (!endpoints) throw new Error("the sandbox should reach the loopback receiver");
  settings = { ...endpoints, lifetimeMinutes: LIFETIME_MINUTES, renewBeforeMinutes: 10 };
  sync = await startSync({
    outlook: services,
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: true,
    notifications: settings,
    // Maintenance stays out of the way (yearly): each test decides when imports happen.
    queue: { notificationDebounceMs: DEBOUNCE_MS, maintenanceCron: "0 0 1 1 *", retry: { limit: 0, delaySeconds: 1 } },
  });
  ({ engine } = sync);
});
afterAll(async () => {
  await sync?.stop(5_000);
  await receiver?.close();
});

interface SandboxSubscription {
  id: string;
  resource: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: number;
  immutableIds: boolean;
}

async function sandboxSubscriptions(): Promise<SandboxSubscription[]> {
  return ((await sandboxAdmin(sandbox(), "GET", "/subscriptions")) as { value: SandboxSubscription[] }).value;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const runsOf = (integrationId: string) =>
  database()
    .db.select()
    .from(syncRuns)
    .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.kind, "import")));
const subscriptionsOf = (integrationId: string) =>
  database().db.select().from(graphSubscriptions).where(eq(graphSubscriptions.integrationId, integrationId));

async function jobsPending(integrationId: string): Promise<number> {
  const [row] = await database().db.execute<{ pending: number }>(
    sql`select count(*)::int as pending from pgboss.job where singleton_key = ${integrationId} and state in ('created', 'retry', 'active')`,
  );
  return row?.pending ?? 0;
}

/** Waits for the integration's queue to drain and returns its finished import runs. */
async function settledRuns(integrationId: string) {
  return waitFor("the imports to settle", async () => {
    if ((await jobsPending(integrationId)) > 0) return undefined;
    const runs = await runsOf(integrationId);
    return runs.every(({ status }) => status !== "running") && runs;
  });
}

/** Connects a mailbox the way the API does: the import job that follows creates the subscriptions. */
async function connectAndSubscribe(name: string) {
  const connected = await connectTestUser(services, { name, mailbox: `${name.toLowerCase()}@contoso.test` });
  await engine.integrationChanged(database().db, connected.integration.id);
  await waitFor("the first import", async () =>
    (await runsOf(connected.integration.id)).some(({ status }) => status === "succeeded"),
  );
  return connected;
}

async function postNotifications(body: unknown, to: NotificationReceiver = receiver): Promise<Response> {
  return fetch(`${to.url}${NOTIFICATION_PATHS.notifications}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The mailbox's subscription with the clientState Graph sends with it: what a genuine notification carries. */
async function genuineSubscription(integrationId: string) {
  const [row] = await subscriptionsOf(integrationId);
  const remote = (await sandboxSubscriptions()).find(({ id }) => id === row?.subscriptionId);
  if (!row || !remote) throw new Error("no subscription");
  return { subscriptionId: row.subscriptionId, clientState: remote.clientState };
}

/** This process's count of webhook items rejected for `reason`. */
async function rejectedItemsCounted(reason: string): Promise<number> {
  const counter = await metricsRegistryFor(database().db, SYNC_JOB_QUEUES)
    .getSingleMetric("agenda_webhook_items_rejected_total")
    ?.get();
  return counter?.values.find(({ labels }) => labels.kind === "notifications" && labels.reason === reason)?.value ?? 0;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

describe("Outlook change notifications", () => {
  it("answers the validation handshake of both webhooks with the decoded token, as text", async () => {
    for (const path of Object.values(NOTIFICATION_PATHS)) {
      const token = "Validation: Testing client application reachability for subscription Request-Id: 42&x=1";
      const response = await fetch(`${receiver.url}${path}?validationToken=${encodeURIComponent(token)}`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toBe(token);
    }
  });

  it("subscribes the connected mailbox, then a change made in Outlook reaches the agenda by itself", async () => {
    const { user, integration } = await connectAndSubscribe("Ana");
    const [row] = await subscriptionsOf(integration.id);
    const remote = (await sandboxSubscriptions()).find(({ id }) => id === row?.subscriptionId);
    expect(row).toMatchObject({ resource: "me/calendar/events" });
    expect(remote).toMatchObject({
      changeType: "created,updated,deleted",
      notificationUrl: settings.notificationUrl,
      lifecycleNotificationUrl: settings.lifecycleNotificationUrl,
      immutableIds: true,
    });
    // Only the hash is stored; the clientState Graph holds is 32 random bytes in base64url.
    expect(remote?.clientState).toMatch(/^[\w-]{43}$/);
    expect(row?.clientStateHash).toBe(sha256(remote?.clientState ?? ""));
    expect(Math.abs((row?.expiresAt.getTime() ?? 0) - (remote?.expirationDateTime ?? 0))).toBeLessThan(1_000);
    expect((await listIntegrations(database().db, user.id))[0]?.syncMode).toBe("notifications");

    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ana@contoso.test/events", {
      events: [
        {
          subject: "Appel client",
          start: { dateTime: "2026-12-02T10:00:00", timeZone: "UTC" },
          end: { dateTime: "2026-12-02T11:00:00", timeZone: "UTC" },
        },
      ],
    });
    const imported = await waitFor("the Outlook event in the agenda", async () => {
      const [event] = await database()
        .db.select()
        .from(agendaEvents)
        .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.title, "Appel client")));
      return event;
    });
    expect(imported).toMatchObject({ source: "outlook", integrationId: integration.id });
    expect((await settledRuns(integration.id)).map(({ trigger }) => trigger)).toEqual(["change", "notification"]);
  });

  it("turns a burst of 100 notifications for one mailbox into exactly one sync", async () => {
    const { integration } = await connectAndSubscribe("Ben");
    expect(await settledRuns(integration.id)).toHaveLength(1);
    const [row] = await subscriptionsOf(integration.id);
    const remote = (await sandboxSubscriptions()).find(({ id }) => id === row?.subscriptionId);

    // The mailbox changes (Graph notifies that too), and 100 more notifications arrive in separate requests.
    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ben@contoso.test/events", {
      events: Array.from({ length: 100 }, (_, index) => ({
        subject: `Séance ${index}`,
        start: { dateTime: `2026-12-10T${String(8 + (index % 10)).padStart(2, "0")}:00:00`, timeZone: "UTC" },
        end: { dateTime: `2026-12-10T${String(9 + (index % 10)).padStart(2, "0")}:00:00`, timeZone: "UTC" },
      })),
    });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        postNotifications({
          value: [
            {
              subscriptionId: row?.subscriptionId,
              clientState: remote?.clientState,
              changeType: "updated",
              resource: `Users/x/Events/${index}`,
            },
          ],
        }),
      ),
    );
    expect(answers.map(({ status }) => status)).toEqual(Array(100).fill(202));

    const runs = await waitFor("the notified import", async () => {
      const settled = await settledRuns(integration.id);
      return settled.length > 1 && settled;
    });
    const notified = runs.filter(({ trigger }) => trigger === "notification");
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatchObject({ status: "succeeded", created: 100 });
  });

  it("rejects notifications with a wrong clientState or an unknown subscription: logged, audited, nothing synced", async () => {
    const { integration } = await connectAndSubscribe("Carla");
    const [row] = await subscriptionsOf(integration.id);
    const runsBefore = (await settledRuns(integration.id)).length;
    const before = webhookLogs.lines.length;
    const forged = "forged-client-state-that-must-not-be-logged";
    const answer = await postNotifications({
      value: [
        { subscriptionId: row?.subscriptionId, clientState: forged, changeType: "updated" },
        { subscriptionId: row?.subscriptionId, changeType: "deleted" },
        { subscriptionId: "00000000-0000-0000-0000-000000000000", clientState: forged, changeType: "created" },
      ],
    });
    expect(answer.status).toBe(202);
    const logged = webhookLogs.lines.slice(before).filter((line) => line.includes("rejected"));
    expect(logged).toHaveLength(2);
    expect(logged.find((line) => line.includes(row?.subscriptionId ?? "?"))).toContain("client_state_mismatch");
    expect(logged.find((line) => line.includes("00000000-0000-0000-0000-000000000000"))).toContain(
      "unknown_subscription",
    );
    expect(logged.join("\n")).not.toContain(forged);
    const audited = await database()
      .db.select()
      .from(auditLog)
      .where(eq(auditLog.action, "outlook.notification_rejected"));
    expect(
      audited.map(({ outcome, detail }) => ({
        outcome,
        reason: detail?.reason,
        count: detail?.count,
        subscriptionIds: detail?.subscriptionIds,
      })),
    ).toEqual(
      expect.arrayContaining([
        { outcome: "failure", reason: "client_state_mismatch", count: 2, subscriptionIds: [row?.subscriptionId] },
        {
          outcome: "failure",
          reason: "unknown_subscription",
          count: 1,
          subscriptionIds: ["00000000-0000-0000-0000-000000000000"],
        },
      ]),
    );
    expect(JSON.stringify(audited)).not.toContain("forged-client-state");
    expect(await jobsPending(integration.id)).toBe(0);
    expect(await runsOf(integration.id)).toHaveLength(runsBefore);

    const malformed = await postNotifications({ value: [{ clientState: "x" }] });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain("value");
  });

  it("counts a flood of forged notifications and audits a sample of it, while a genuine one in its midst still syncs", async () => {
    const { integration } = await connectAndSubscribe("Hal");
    const runsBefore = (await settledRuns(integration.id)).length;
    const genuine = await genuineSubscription(integration.id);
    const flooded = await startNotificationReceiver(database().db, () => sync.queue, webhookLogs.logger);
    const logsBefore = webhookLogs.lines.length;
    const countedBefore = await rejectedItemsCounted("unknown_subscription");
    const floodStartedAt = new Date();

    const forged = () => ({ value: [{ subscriptionId: randomUUID(), clientState: "guess", changeType: "created" }] });
    const answers = await Promise.all([
      ...Array.from({ length: 250 }, () => postNotifications(forged(), flooded)),
      postNotifications({ value: [{ ...genuine, changeType: "updated" }] }, flooded),
      ...Array.from({ length: 250 }, () => postNotifications(forged(), flooded)),
    ]);
    await flooded.close();

    expect(answers.map(({ status }) => status)).toEqual(Array(501).fill(202));
    expect((await rejectedItemsCounted("unknown_subscription")) - countedBefore).toBe(500);
    const audited = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "outlook.notification_rejected"), gte(auditLog.occurredAt, floodStartedAt)));
    expect(audited.length).toBeLessThanOrEqual(2);
    expect(audited.reduce((total, { detail }) => total + Number(detail?.count), 0)).toBe(500);
    for (const { detail } of audited) expect((detail?.subscriptionIds as string[]).length).toBeLessThanOrEqual(5);
    expect(webhookLogs.lines.slice(logsBefore).filter((line) => line.includes("rejected")).length).toBeLessThanOrEqual(
      2,
    );

    const runs = await waitFor("the notified import", async () => {
      const settled = await settledRuns(integration.id);
      return settled.length > runsBefore && settled;
    });
    expect(runs.at(-1)).toMatchObject({ trigger: "notification", status: "succeeded" });
  });

  it("tells the server how many items of a request it accepted and rejected", async () => {
    const { integration } = await connectAndSubscribe("Ida");
    const genuine = await genuineSubscription(integration.id);
    const rejections = new WebhookRejections(database().db, silentLogger);
    const answer = (body: unknown, validationToken?: string) =>
      answerChangeNotifications(database().db, sync.queue, rejections, { validationToken, body });
    try {
      expect(await answer(undefined, "token")).toMatchObject({ status: 200, accepted: 0, rejected: 0 });
      expect(
        await answer({
          value: [
            genuine,
            { ...genuine, clientState: "wrong" },
            { subscriptionId: randomUUID(), clientState: "guess" },
          ],
        }),
      ).toEqual({ status: 202, accepted: 1, rejected: 2 });
      expect(await answer({ value: [{ clientState: "x" }] })).toMatchObject({ status: 400, accepted: 0, rejected: 0 });
    } finally {
      await rejections.stop();
    }
  });

  it("renews subscriptions before they expire, and recreates one Graph no longer knows", async () => {
    const { integration } = await connectTestUser(services, { name: "Dan", mailbox: "dan@contoso.test" });
    const [row] = await database()
      .db.select()
      .from(calendarIntegrations)
      .where(eq(calendarIntegrations.id, integration.id));
    if (!row) throw new Error("no integration row");
    const context: SubscriptionContext = {
      db: database().db,
      graph: services.graphFor(integration.id),
      integration: row,
    };
    // Six-second subscriptions, renewed in their last three seconds.
    const short = { ...settings, lifetimeMinutes: 0.1, renewBeforeMinutes: 0.05 };

    expect(await ensureSubscriptions(context, short)).toEqual({ created: 1, renewed: 0, deleted: 0 });
    expect(await ensureSubscriptions(context, short)).toEqual({ created: 0, renewed: 0, deleted: 0 });
    const [created] = await subscriptionsOf(integration.id);
    if (!created) throw new Error("no subscription");
    await waitFor("the renewal window", async () => created.expiresAt.getTime() - Date.now() < 2_500);
    expect(await ensureSubscriptions(context, short)).toEqual({ created: 0, renewed: 1, deleted: 0 });
    const [renewed] = await subscriptionsOf(integration.id);
    expect(renewed?.subscriptionId).toBe(created.subscriptionId);
    expect(renewed?.expiresAt.getTime()).toBeGreaterThan(created.expiresAt.getTime());
    expect(renewed?.renewedAt).not.toBeNull();
    const remote = (await sandboxSubscriptions()).find(({ id }) => id === created.subscriptionId);
    expect(Math.abs((remote?.expirationDateTime ?? 0) - (renewed?.expiresAt.getTime() ?? 0))).toBeLessThan(1_000);

    await context.graph.api(`/subscriptions/${created.subscriptionId}`).delete();
    expect(await renewSubscriptionNow(context, short, created.subscriptionId)).toBe("recreated");
    const [recreated] = await subscriptionsOf(integration.id);
    expect(recreated?.subscriptionId).not.toBe(created.subscriptionId);
    expect((await sandboxSubscriptions()).map(({ id }) => id)).toContain(recreated?.subscriptionId);

    await ensureSubscriptions(context, null);
    expect(await subscriptionsOf(integration.id)).toEqual([]);
  });

  it("follows lifecycle events: reauthorizationRequired renews, missed imports, subscriptionRemoved recreates and imports", async () => {
    const { integration } = await connectAndSubscribe("Eve");
    const [first] = await subscriptionsOf(integration.id);
    if (!first) throw new Error("no subscription");
    const lifecycle = async (subscriptionId: string, lifecycleEvent: string) => {
      const response = await fetch(`${sandbox().url}/admin/api/subscriptions/${subscriptionId}/lifecycle`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ lifecycleEvent }),
      });
      expect(response.status).toBe(202);
    };

    await lifecycle(first.subscriptionId, "reauthorizationRequired");
    const renewed = await waitFor("the renewal", async () =>
      (await subscriptionsOf(integration.id)).find(({ renewedAt }) => renewedAt !== null),
    );
    expect(renewed.subscriptionId).toBe(first.subscriptionId);
    expect(renewed.expiresAt.getTime()).toBeGreaterThanOrEqual(first.expiresAt.getTime());

    const before = (await settledRuns(integration.id)).length;
    await lifecycle(first.subscriptionId, "missed");
    const afterMissed = await waitFor("the import after missed", async () => {
      const runs = await settledRuns(integration.id);
      return runs.length > before && runs;
    });
    expect(afterMissed.at(-1)?.trigger).toBe("notification");

    await lifecycle(first.subscriptionId, "subscriptionRemoved");
    const replacement = await waitFor("a new subscription", async () =>
      (await subscriptionsOf(integration.id)).find(({ subscriptionId }) => subscriptionId !== first.subscriptionId),
    );
    expect((await sandboxSubscriptions()).map(({ id }) => id)).toContain(replacement.subscriptionId);
    expect((await subscriptionsOf(integration.id)).map(({ subscriptionId }) => subscriptionId)).toEqual([
      replacement.subscriptionId,
    ]);
    expect((await settledRuns(integration.id)).length).toBe(afterMissed.length + 1);
  });

  it("holds one subscription per imported calendar and drops them when calendars are deselected or auto-sync is off", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Fay", mailbox: "fay@contoso.test" });
    const { id: projects } = (await sandboxAdmin(sandbox(), "POST", "/mailboxes/fay@contoso.test/calendars", {
      name: "Projets",
    })) as { id: string };
    const { id: defaultCalendar } = (await services.graphFor(integration.id).api("/me/calendar").get()) as {
      id: string;
    };
    const resourcesAfter = async (change: Parameters<typeof updateOutlookSettings>[2]) => {
      const before = (await settledRuns(integration.id)).length;
      await updateOutlookSettings(services, user.id, change);
      await engine.integrationChanged(database().db, integration.id);
      await waitFor("the import after the change", async () => (await settledRuns(integration.id)).length > before);
      return (await subscriptionsOf(integration.id)).map(({ resource }) => resource).sort();
    };

    expect(await resourcesAfter({ importCalendarIds: [defaultCalendar, projects] })).toEqual(
      [`me/calendars/${defaultCalendar}/events`, `me/calendars/${projects}/events`].sort(),
    );
    expect(await resourcesAfter({ importCalendarIds: [projects] })).toEqual([`me/calendars/${projects}/events`]);
    const [kept] = await subscriptionsOf(integration.id);
    expect(await resourcesAfter({ autoSyncEnabled: false })).toEqual([]);
    expect((await sandboxSubscriptions()).map(({ id }) => id)).not.toContain(kept?.subscriptionId);
    expect((await listIntegrations(database().db, user.id))[0]?.syncMode).toBe("polling");
  });

  it("deletes the subscriptions in Graph when Outlook is disconnected", async () => {
    const { user, integration } = await connectAndSubscribe("Gus");
    const [held] = await subscriptionsOf(integration.id);
    expect((await sandboxSubscriptions()).map(({ id }) => id)).toContain(held?.subscriptionId);
    await disconnectOutlook(services, user.id, { removeExportedFormations: false });
    expect(await subscriptionsOf(integration.id)).toEqual([]);
    expect((await sandboxSubscriptions()).map(({ id }) => id)).not.toContain(held?.subscriptionId);
  });
});
