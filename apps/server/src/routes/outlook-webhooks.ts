import type { Database } from "@agenda/db/client";
import type { SyncQueue } from "@agenda/sync/sync-queue";
import {
  answerChangeNotifications,
  answerLifecycleEvents,
  type WebhookAnswer,
  type WebhookRequest,
} from "@agenda/sync/webhooks";
import type { WebhookRejections } from "@agenda/sync/webhook-rejections";
import { Hono, type Context } from "hono";
import { clientAddressOf, webhookRefusal, type RequestBudgets } from "../rate-limit";

/** Microsoft's webhooks: outside the callers' budgets (they carry no credentials), with a budget of their own. */
export const WEBHOOK_PATHS: ReadonlySet<string> = new Set([
  "/api/calendar/outlook/notifications",
  "/api/calendar/outlook/lifecycle",
]);

export interface OutlookWebhookDependencies {
  db: Database;
  /** Where the notifications' imports and renewals are queued: answering never waits for a sync. */
  queue: SyncQueue;
  /** Counts and samples the items refused, for the metrics and the audit log. */
  rejections: WebhookRejections;
  /** Spent by posts carrying nothing Microsoft sent; unset, no limit. */
  budgets: RequestBudgets | undefined;
  trustProxy: boolean;
}

/**
 * Microsoft's webhooks: change notifications and lifecycle events. Public (Microsoft carries no platform token;
 * each item is checked against its subscription's clientState), and answered at once: syncing happens in a job.
 */
export function outlookWebhookRoutes({ db, queue, rejections, budgets, trustProxy }: OutlookWebhookDependencies) {
  /** The answer, once a post with nothing Microsoft sent in it has spent its sender's budget. */
  const reply = async (c: Context, answer: WebhookAnswer): Promise<Response> => {
    // A post with a genuine notification is never counted nor refused: only forgeries spend the sender's budget.
    if (budgets && answer.rejected > 0 && answer.accepted === 0) {
      const spent = await budgets.spend("webhook", clientAddressOf(c, trustProxy));
      if (!spent.allowed) return webhookRefusal(c, spent);
    }
    return answer.text === undefined ? c.body(null, answer.status) : c.text(answer.text, answer.status);
  };
  return new Hono()
    .post("/outlook/notifications", async (c) =>
      reply(c, await answerChangeNotifications(db, queue, rejections, await webhookRequestOf(c))),
    )
    .post("/outlook/lifecycle", async (c) =>
      reply(c, await answerLifecycleEvents(db, queue, rejections, await webhookRequestOf(c))),
    );
}

/** The same doors in a process built without the sync (tests of other parts): Microsoft is asked to deliver again later. */
export function outlookWebhooksWithoutSync() {
  const unavailable = (c: Context) => c.text("No job queue to take the notifications: deliver them again later.", 503);
  return new Hono().post("/outlook/notifications", unavailable).post("/outlook/lifecycle", unavailable);
}

/** The validation handshake's token, or the body (undefined when it is not JSON). */
async function webhookRequestOf(c: Context): Promise<WebhookRequest> {
  const validationToken = c.req.query("validationToken");
  const body: unknown = validationToken === undefined ? await c.req.json().catch(() => undefined) : undefined;
  return { validationToken, body };
}
