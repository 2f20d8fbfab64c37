import type { DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, graphSubscriptions } from "@agenda/db/schema";
import { recordAudit } from "@agenda/domain/audit";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { silentLogger, type Logger } from "../logger";
import type { SyncQueue } from "../sync-queue";
import { clientStateMatches } from "./subscriptions";

/** Graph batches notifications; a body far beyond what it sends is refused whole. */
const MAX_ITEMS = 1_000;
/** Rejections logged and audited per request: a forged batch must not turn into a thousand audit rows. */
const MAX_REPORTED = 10;

/** Graph's subscription ids are GUIDs; anything else (newlines included) never reaches a log line. */
const subscriptionId = z.string().regex(/^[\w-]{1,128}$/);
const clientState = z.string().max(256).nullish();

export const changeNotificationBatch = z.object({
  value: z
    .array(
      z.object({
        subscriptionId,
        clientState,
        changeType: z.string().max(64).optional(),
        resource: z.string().max(2_048).optional(),
      }),
    )
    .max(MAX_ITEMS),
});

export const lifecycleEventBatch = z.object({
  value: z
    .array(
      z.object({
        subscriptionId,
        clientState,
        lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
      }),
    )
    .max(MAX_ITEMS),
});

export type WebhookKind = "notifications" | "lifecycle";

/** What the receiving process hands work to: it never syncs while Microsoft waits for the answer. */
export type NotificationQueue = Pick<SyncQueue, "enqueueNotificationImport" | "enqueueSubscriptionRenewal">;

export interface WebhookAnswer {
  status: 200 | 202 | 400 | 503;
  /** Sent as text/plain when set. */
  text?: string;
}

interface Verified<T> {
  item: T;
  integrationId: string;
  subscriptionRowId: string;
}

/**
 * Keeps the items whose subscription is ours and whose clientState matches its hash; the others are rejected,
 * logged (subscription id only: a clientState is a secret) and audited once per subscription and reason, for at
 * most MAX_REPORTED subscriptions per request.
 */
async function verify<T extends { subscriptionId: string; clientState?: string | null }>(
  db: DatabaseOrTransaction,
  kind: WebhookKind,
  items: T[],
  logger: Logger,
): Promise<Array<Verified<T>>> {
  if (items.length === 0) return [];
  const ids = [...new Set(items.map((item) => item.subscriptionId))];
  const rows = await db
    .select({ id: graphSubscriptions.id, subscriptionId: graphSubscriptions.subscriptionId, integrationId: graphSubscriptions.integrationId, clientStateHash: graphSubscriptions.clientStateHash, userId: calendarIntegrations.userId })
    .from(graphSubscriptions)
    .innerJoin(calendarIntegrations, eq(calendarIntegrations.id, graphSubscriptions.integrationId))
    .where(inArray(graphSubscriptions.subscriptionId, ids));
  const known = new Map(rows.map((row) => [row.subscriptionId, row]));
  const accepted: Array<Verified<T>> = [];
  const rejected = new Map<string, { subscriptionId: string; reason: "unknown_subscription" | "client_state_mismatch"; row: (typeof rows)[number] | undefined; count: number }>();
  for (const item of items) {
    const row = known.get(item.subscriptionId);
    if (row && clientStateMatches(item.clientState, row.clientStateHash)) {
      accepted.push({ item, integrationId: row.integrationId, subscriptionRowId: row.id });
      continue;
    }
    const reason = row ? "client_state_mismatch" : "unknown_subscription";
    const key = `${item.subscriptionId}\n${reason}`;
    const entry = rejected.get(key) ?? { subscriptionId: item.subscriptionId, reason, row, count: 0 };
    entry.count++;
    rejected.set(key, entry);
  }
  const reported = [...rejected.values()];
  if (reported.length > MAX_REPORTED) logger.warn({ kind, more: reported.length - MAX_REPORTED }, "Outlook webhook: more subscriptions rejected in the same request");
  for (const { subscriptionId: id, reason, row, count } of reported.slice(0, MAX_REPORTED)) {
    logger.warn({ kind, reason, subscriptionId: id, count }, "Outlook webhook item rejected");
    await recordAudit(db, {
      userId: row?.userId ?? null,
      integrationId: row?.integrationId ?? null,
      action: "outlook.notification_rejected",
      outcome: "failure",
      detail: { kind, subscriptionId: id, reason, count },
    });
  }
  return accepted;
}

/** Change notifications: each mailbox that changed gets one debounced delta import, however many items named it. */
export async function receiveChangeNotifications(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  body: z.output<typeof changeNotificationBatch>,
  logger: Logger = silentLogger,
): Promise<number> {
  const accepted = await verify(db, "notifications", body.value, logger);
  const integrations = new Set(accepted.map(({ integrationId }) => integrationId));
  for (const integrationId of integrations) await queue.enqueueNotificationImport(integrationId);
  return accepted.length;
}

/**
 * Lifecycle events: `reauthorizationRequired` renews the subscription (a job); `subscriptionRemoved` forgets it,
 * so the next import recreates it, and imports; `missed` imports by delta to catch what was lost.
 */
export async function receiveLifecycleEvents(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  body: z.output<typeof lifecycleEventBatch>,
  logger: Logger = silentLogger,
): Promise<number> {
  const accepted = await verify(db, "lifecycle", body.value, logger);
  const toImport = new Set<string>();
  for (const { item, integrationId, subscriptionRowId } of accepted) {
    if (item.lifecycleEvent === "reauthorizationRequired") {
      await queue.enqueueSubscriptionRenewal(integrationId, item.subscriptionId);
      continue;
    }
    if (item.lifecycleEvent === "subscriptionRemoved") await db.delete(graphSubscriptions).where(eq(graphSubscriptions.id, subscriptionRowId));
    toImport.add(integrationId);
  }
  for (const integrationId of toImport) await queue.enqueueNotificationImport(integrationId);
  return accepted.length;
}

/**
 * Answers one request from Microsoft to either webhook: the validation handshake (200, the decoded token as
 * text/plain), or a batch to verify and queue (202 once queued; the sync runs later, elsewhere). A body that is not
 * a batch is 400; without a queue to hand work to, 503 asks Graph to deliver again later.
 */
export async function answerWebhook(
  kind: WebhookKind,
  request: { validationToken: string | undefined; body: unknown },
  db: DatabaseOrTransaction,
  queue: NotificationQueue | undefined,
  logger: Logger = silentLogger,
): Promise<WebhookAnswer> {
  if (request.validationToken !== undefined) return { status: 200, text: request.validationToken };
  const receive = kind === "notifications" ? parseAndReceive(changeNotificationBatch, receiveChangeNotifications) : parseAndReceive(lifecycleEventBatch, receiveLifecycleEvents);
  return receive(db, queue, request.body, logger);
}

function parseAndReceive<T extends z.ZodType>(schema: T, receive: (db: DatabaseOrTransaction, queue: NotificationQueue, body: z.output<T>, logger: Logger) => Promise<number>) {
  return async (db: DatabaseOrTransaction, queue: NotificationQueue | undefined, body: unknown, logger: Logger): Promise<WebhookAnswer> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { status: 400, text: "Expected a JSON body: { value: [...] } of Microsoft Graph notifications." };
    if (!queue) return { status: 503, text: "No job queue to take the notifications: deliver them again later." };
    await receive(db, queue, parsed.data, logger);
    return { status: 202 };
  };
}
