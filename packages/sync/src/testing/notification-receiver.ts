import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@agenda/db/client";
import { silentLogger, type Logger } from "@agenda/observability/logger";
import { NOTIFICATION_PATHS } from "../notifications/notification-endpoints";
import { answerChangeNotifications, answerLifecycleEvents, type NotificationQueue } from "../notifications/webhooks";
import { WebhookRejections } from "../notifications/webhook-rejections";

export interface NotificationReceiver {
  /** The base URL (http on loopback, which the sandbox delivers to); the webhooks are under NOTIFICATION_PATHS. */
  url: string;
  /** Stops the server and reports the rejections still pending, as a process stopping does. */
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The product's two webhooks on a plain Node server, for package tests that have no app: same functions, same answers.
 * `queue` is asked for at each request: Microsoft validates the webhooks when a subscription is made, before a test's
 * queue may exist.
 */
export async function startNotificationReceiver(
  db: Database,
  queue: () => NotificationQueue,
  logger: Logger = silentLogger,
): Promise<NotificationReceiver> {
  const rejections = new WebhookRejections(db, logger);
  const answers = new Map<string, typeof answerChangeNotifications>([
    [NOTIFICATION_PATHS.notifications, answerChangeNotifications],
    [NOTIFICATION_PATHS.lifecycle, answerLifecycleEvents],
  ]);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const answer = request.method === "POST" ? answers.get(url.pathname) : undefined;
    if (!answer) {
      response.writeHead(404).end();
      return;
    }
    const validationToken = url.searchParams.get("validationToken") ?? undefined;
    void (validationToken === undefined ? readBody(request) : Promise.resolve(undefined))
      .then((body) => answer(db, queue(), rejections, { validationToken, body }))
      .then((answer) => {
        if (answer.text === undefined) response.writeHead(answer.status).end();
        else response.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" }).end(answer.text);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "notification receiver failed");
        response.writeHead(500).end();
      });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rejections.stop();
    },
  };
}
