import { answerWebhook, type WebhookKind } from "@agenda/sync/notifications/notification-receiver";
import { webhookRejectionsOf } from "@agenda/sync/notifications/webhook-rejections";
import { Hono, type Context } from "hono";
import type { RequestVariables } from "../request-variables";

/**
 * Microsoft's webhooks: change notifications and lifecycle events. Public (Microsoft carries no platform token;
 * each item is checked against its subscription's clientState), and answered at once: syncing happens in a job.
 */
export const outlookNotificationRoutes = new Hono<{ Variables: RequestVariables }>()
  .post("/outlook/notifications", (c) => answer(c, "notifications"))
  .post("/outlook/lifecycle", (c) => answer(c, "lifecycle"));

async function answer(c: Context<{ Variables: RequestVariables }>, kind: WebhookKind): Promise<Response> {
  const validationToken = c.req.query("validationToken");
  const body: unknown = validationToken === undefined ? await c.req.json().catch(() => undefined) : undefined;
  const { ctx } = c.var;
  const reply = await answerWebhook(kind, { validationToken, body }, ctx.db, ctx.sync?.queue, webhookRejectionsOf(ctx.db, c.var.logger));
  return reply.text === undefined ? c.body(null, reply.status) : c.text(reply.text, reply.status);
}
