import type { DatabaseOrTransaction } from "@agenda/db/client";
import { graphSubscriptions } from "@agenda/db/schema";
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { clientStateMatches } from "./subscriptions";
import type { RejectedItem, WebhookRejections } from "./webhook-rejections";

/** Graph batches notifications; a body far beyond what it sends is refused whole. */
const MAX_ITEMS = 1_000;

/** Graph's subscription ids are GUIDs; anything else (newlines included) never reaches a log line. */
const subscriptionId = z.string().regex(/^[\w-]{1,128}$/);
const clientState = z.string().max(256).nullish();

const changeNotificationBatch = z.object({
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

const lifecycleEventBatch = z.object({
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

/** What the receiving process hands work to (the sync's job queue): it never syncs while Microsoft waits for the answer. */
export interface NotificationQueue {
  enqueueNotificationImports(db: DatabaseOrTransaction, integrationIds: Iterable<string>): Promise<unknown>;
  enqueueSubscriptionRenewals(
    db: DatabaseOrTransaction,
    renewals: Array<{ integrationId: string; subscriptionId: string }>,
  ): Promise<unknown>;
}

/** What became of a batch's items: taken, or refused (unknown subscription, wrong clientState). */
export interface ItemCounts {
  accepted: number;
  rejected: number;
}

/** The answer, and the counts the server charges anonymous callers by. */
export interface WebhookAnswer extends ItemCounts {
  status: 200 | 202 | 400;
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
    .select({
      id: graphSubscriptions.id,
      subscriptionId: graphSubscriptions.subscriptionId,
      integrationId: graphSubscriptions.integrationId,
      clientStateHash: graphSubscriptions.clientStateHash,
    })
    .from(graphSubscriptions)
    .where(inArray(graphSubscriptions.subscriptionId, ids));
  const known = new Map(rows.map((row) => [row.subscriptionId, row]));
  const accepted: Array<Verified<T>> = [];
  const rejected: RejectedItem[] = [];
  for (const item of items) {
    const row = known.get(item.subscriptionId);
    if (row && clientStateMatches(item.clientState, row.clientStateHash))
      accepted.push({ item, integrationId: row.integrationId, subscriptionRowId: row.id });
    else
      rejected.push({
        subscriptionId: item.subscriptionId,
        reason: row ? "client_state_mismatch" : "unknown_subscription",
      });
  }
  await rejections.record(kind, rejected);
  return { accepted, rejected: rejected.length };
}

/** Microsoft's request to a webhook: the validation handshake's token, or a body to read as a batch. */
export interface WebhookRequest {
  validationToken: string | undefined;
  body: unknown;
}

const NOT_A_BATCH = "Expected a JSON body: { value: [...] } of Microsoft Graph notifications.";

/**
 * Answers a request to a webhook: the validation handshake (200, the decoded token as text/plain), or a batch to
 * verify and queue (202 once queued; the sync runs later, elsewhere). A body that is not a batch is 400.
 */
async function answer<T extends z.ZodType>(
  request: WebhookRequest,
  schema: T,
  receive: (batch: z.output<T>) => Promise<ItemCounts>,
): Promise<WebhookAnswer> {
  if (request.validationToken !== undefined)
    return { status: 200, text: request.validationToken, accepted: 0, rejected: 0 };
  const batch = schema.safeParse(request.body);
  if (!batch.success) return { status: 400, text: NOT_A_BATCH, accepted: 0, rejected: 0 };
  return { status: 202, ...(await receive(batch.data)) };
}

/**
 * Answers Microsoft's post to the change-notifications webhook: each mailbox that changed gets one debounced delta
 * import, however many items named it.
 */
export function answerChangeNotifications(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  rejections: WebhookRejections,
  request: WebhookRequest,
): Promise<WebhookAnswer> {
  return answer(request, changeNotificationBatch, async (batch) => {
    const { accepted, rejected } = await verify(db, "notifications", batch.value, rejections);
    await queue.enqueueNotificationImports(
      db,
      accepted.map(({ integrationId }) => integrationId),
    );
    return { accepted: accepted.length, rejected };
  });
}

/**
 * Answers Microsoft's post to the lifecycle webhook: `reauthorizationRequired` renews the subscription (a job);
 * `subscriptionRemoved` forgets it, so the next import recreates it, and imports; `missed` imports by delta to catch
 * what was lost.
 */
export function answerLifecycleEvents(
  db: DatabaseOrTransaction,
  queue: NotificationQueue,
  rejections: WebhookRejections,
  request: WebhookRequest,
): Promise<WebhookAnswer> {
  return answer(request, lifecycleEventBatch, async (batch) => {
    const { accepted, rejected } = await verify(db, "lifecycle", batch.value, rejections);
    const renewals = accepted.filter(({ item }) => item.lifecycleEvent === "reauthorizationRequired");
    const imports = accepted.filter(({ item }) => item.lifecycleEvent !== "reauthorizationRequired");
    const removed = imports
      .filter(({ item }) => item.lifecycleEvent === "subscriptionRemoved")
      .map(({ subscriptionRowId }) => subscriptionRowId);
    // A subscription is forgotten only with the import that recreates it queued.
    await db.transaction(async (tx) => {
      if (removed.length > 0) await tx.delete(graphSubscriptions).where(inArray(graphSubscriptions.id, removed));
      await queue.enqueueSubscriptionRenewals(
        tx,
        renewals.map(({ item, integrationId }) => ({ integrationId, subscriptionId: item.subscriptionId })),
      );
      await queue.enqueueNotificationImports(
        tx,
        imports.map(({ integrationId }) => integrationId),
      );
    });
    return { accepted: accepted.length, rejected };
  });
}
