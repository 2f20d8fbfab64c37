import type { DatabaseOrTransaction } from "@agenda/db/client";
import { graphSubscriptions } from "@agenda/db/schema";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { SyncQueue } from "../sync-queue";
import { clientStateMatches } from "./subscriptions";
import type { RejectedItem, WebhookRejections } from "./webhook-rejections";

/** Graph batches notifications; a body far beyond what it sends is refused whole. */
const MAX_ITEMS = 1_000;

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

/** What became of a batch's items: taken, or refused (unknown subscription, wrong clientState). */
export interface ItemCounts {
  accepted: number;
  rejected: number;
}

/** The answer, and the counts the server charges anonymous callers by. */
export interface WebhookAnswer extends ItemCounts {
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
 * Keeps the items whose subscription is ours and whose clientState matches its hash; the others are rejected and
 * handed to `rejections`, which counts and samples them (by subscription id only: a clientState is a secret).
 */
async function verify<T extends { subscriptionId: string; clientState?: string | null }>(
  db: DatabaseOrTransaction,
  kind: WebhookKind,
  items: T[],
  rejections: WebhookRejections,
): Promise<{ accepted: Array<Verified<T>>; rejected: number }> {
  if (items.length === 0) return { accepted: [], rejected: 0 };
  const ids = [...new Set(items.map((item) => item.subscriptionId))];
  const rows = await db
    .select({ id: graphSubscriptions.id, subscriptionId: graphSubscriptions.subscriptionId, integrationId: graphSubscriptions.integrationId, clientStateHash: graphSubscriptions.clientStateHash })
    .from(graphSubscriptions)
    .where(inArray(graphSubscriptions.subscriptionId, ids));
  const known = new Map(rows.map((row) => [row.subscriptionId, row]));
  const accepted: Array<Verified<T>> = [];
  const rejected: RejectedItem[] = [];
  for (const item of items) {
    const row = known.get(item.subscriptionId);
    if (row && clientStateMatches(item.clientState, row.clientStateHash)) accepted.push({ item, integrationId: row.integrationId, subscriptionRowId: row.id });
    else rejected.push({ subscriptionId: item.subscriptionId, reason: row ? "client_state_mismatch" : "unknown_subscription" });
  }
  await rejections.record(kind, rejected);
  return { accepted, rejected: rejected.length };
}

/** Change notifications: each mailbox that changed gets one debounced delta import, however many items named it. */
export async function receiveChangeNotifications(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  body: z.output<typeof changeNotificationBatch>,
  rejections: WebhookRejections,
): Promise<ItemCounts> {
  const { accepted, rejected } = await verify(db, "notifications", body.value, rejections);
  const integrations = new Set(accepted.map(({ integrationId }) => integrationId));
  for (const integrationId of integrations) await queue.enqueueNotificationImport(integrationId);
  return { accepted: accepted.length, rejected };
}

/**
 * Lifecycle events: `reauthorizationRequired` renews the subscription (a job); `subscriptionRemoved` forgets it,
 * so the next import recreates it, and imports; `missed` imports by delta to catch what was lost.
 */
export async function receiveLifecycleEvents(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  body: z.output<typeof lifecycleEventBatch>,
  rejections: WebhookRejections,
): Promise<ItemCounts> {
  const { accepted, rejected } = await verify(db, "lifecycle", body.value, rejections);
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
  return { accepted: accepted.length, rejected };
}

const NO_ITEMS: ItemCounts = { accepted: 0, rejected: 0 };

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
  rejections: WebhookRejections,
): Promise<WebhookAnswer> {
  if (request.validationToken !== undefined) return { status: 200, text: request.validationToken, ...NO_ITEMS };
  const receive = kind === "notifications" ? parseAndReceive(changeNotificationBatch, receiveChangeNotifications) : parseAndReceive(lifecycleEventBatch, receiveLifecycleEvents);
  return receive(db, queue, request.body, rejections);
}

function parseAndReceive<T extends z.ZodType>(
  schema: T,
  receive: (db: DatabaseOrTransaction, queue: NotificationQueue, body: z.output<T>, rejections: WebhookRejections) => Promise<ItemCounts>,
) {
  return async (db: DatabaseOrTransaction, queue: NotificationQueue | undefined, body: unknown, rejections: WebhookRejections): Promise<WebhookAnswer> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { status: 400, text: "Expected a JSON body: { value: [...] } of Microsoft Graph notifications.", ...NO_ITEMS };
    if (!queue) return { status: 503, text: "No job queue to take the notifications: deliver them again later.", ...NO_ITEMS };
    return { status: 202, ...(await receive(db, queue, parsed.data, rejections)) };
  };
}
