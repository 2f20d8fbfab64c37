import { answerWebhook, type WebhookKind } from "@agenda/sync/notifications/notification-receiver";
import type { WebhookRejections } from "@agenda/sync/notifications/webhook-rejections";
import { Hono, type Context } from "hono";
import { clientAddressOf, webhookRefusal, type RequestBudgets } from "../rate-limit";
import type { RequestVariables } from "../request-variables";

/** Microsoft's webhooks: outside the callers' budgets (they carry no credentials), with a budget of their own. */
export const WEBHOOK_PATHS: ReadonlySet<string> = new Set(["/api/calendar/outlook/notifications", "/api/calendar/outlook/lifecycle"]);

interface WebhookOptions {
  /** Spent by posts carrying nothing Microsoft sent; unset, no limit. */
  budgets: RequestBudgets | undefined;
  trustProxy: boolean;
  /** Counts and samples the items refused, for the metrics and the audit log. */
  rejections: WebhookRejections;
}

/**
 * Microsoft's webhooks: change notifications and lifecycle events. Public (Microsoft carries no platform token;
 * each item is checked against its subscription's clientState), and answered at once: syncing happens in a job.
 */
export function outlookNotificationRoutes(options: WebhookOptions) {
  return new Hono<{ Variables: RequestVariables }>()
    .post("/outlook/notifications", (c) => answer(c, "notifications", options))
    .post("/outlook/lifecycle", (c) => answer(c, "lifecycle", options));
}

async function answer(c: Context<{ Variables: RequestVariables }>, kind: WebhookKind, { budgets, trustProxy, rejections }: WebhookOptions): Promise<Response> {
  const validationToken = c.req.query("validationToken");
  const body: unknown = validationToken === undefined ? await c.req.json().catch(() => undefined) : undefined;
  const { ctx } = c.var;
  const reply = await answerWebhook(kind, { validationToken, body }, ctx.db, ctx.sync?.queue, rejections);
  // A post with a genuine notification is never counted nor refused: only forgeries spend the sender's budget.
  if (budgets && reply.rejected > 0 && reply.accepted === 0) {
    const spent = await budgets.spend("webhook", clientAddressOf(c, trustProxy));
    if (!spent.allowed) return webhookRefusal(c, spent);
  }
  return reply.text === undefined ? c.body(null, reply.status) : c.text(reply.text, reply.status);
}
