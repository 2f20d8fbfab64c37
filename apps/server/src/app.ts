import { errorMessage, handleTrpcRequest, localeFromAcceptLanguage } from "@agenda/api";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createLogger, withLogContext } from "@agenda/observability/logger";
import { WebhookRejections } from "@agenda/sync/webhook-rejections";
import { createRequestContext, requestIdOf, type AppDependencies } from "./context";
import { operationsRoutes } from "./operations";
import { RequestBudgets, rateLimit } from "./rate-limit";
import { loggablePath, requestLog } from "./request-log";
import type { RequestVariables } from "./request-variables";
import { adminIntegrationsRoutes } from "./routes/admin-integrations";
import { auditLogRoutes } from "./routes/audit-log";
import { calendarEventsRoutes } from "./routes/calendar-events";
import { calendarFeedRoutes } from "./routes/calendar-feed";
import { feedRoutes } from "./routes/feeds";
import { addinRoutes } from "./routes/addin";
import { demoRoutes } from "./routes/demo";
import { outlookRoutes } from "./routes/outlook";
import { serviceTokensRoutes } from "./routes/service-tokens";
import { usersRoutes } from "./routes/users";
import { WEBHOOK_PATHS, outlookWebhookRoutes, outlookWebhooksWithoutSync } from "./routes/outlook-webhooks";
import { jsonBody, throughProcedure, unvalidated } from "./routes/rest";
import { webRoutes } from "./routes/web";
import { apiCors, securityHeaders } from "./security";

export type { AppDependencies } from "./context";

/** Requests larger than this are refused before they are read: no calendar payload comes near it. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDependencies) {
  const app = new Hono<{ Variables: RequestVariables }>();
  const logger = deps.logger ?? createLogger({ level: "error", name: "server" });
  const officeJsUrl = deps.addin?.officeJsUrl;
  const authority = deps.addin?.auth?.authority;
  app.use(
    "*",
    securityHeaders({
      hsts: deps.security?.hsts ?? false,
      officeJsOrigin: officeJsUrl ? new URL(officeJsUrl).origin : undefined,
      authorityOrigin: authority ? new URL(authority).origin : undefined,
    }),
  );

  app.route("/", operationsRoutes({ db: deps.db, queue: deps.queue, metricsToken: deps.metricsToken, logger }));
  // One budget per caller across the tRPC and REST doors and every server process; Microsoft's webhooks have their own.
  const budgets = deps.rateLimits && new RequestBudgets(deps.db, deps.rateLimits);
  const apiRateLimit = budgets && rateLimit(budgets, deps.trustProxy ?? false);

  for (const path of ["/trpc/*", "/api/*"]) {
    // Preflights are answered before authentication: browsers send them without the token.
    app.use(path, apiCors(deps.security?.allowedOrigins ?? []));
    app.use(path, async (c, next) => {
      const requestId = requestIdOf(c);
      c.header("x-request-id", requestId);
      // Every line logged, sync job queued and audit row written while answering carries the request id, from
      // authentication on (a first sign-in is recorded there).
      await withLogContext({ requestId }, async () => {
        c.set("ctx", await createRequestContext(deps, c, requestId));
        c.set("logger", logger);
        await next();
      });
    });
    app.use(path, requestLog(logger));
    if (apiRateLimit) app.use(path, (c, next) => (WEBHOOK_PATHS.has(c.req.path) ? next() : apiRateLimit(c, next)));
    app.use(
      path,
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) => {
          const message = errorMessage(c.var.ctx.locale, "PAYLOAD_TOO_LARGE", { limit: MAX_BODY_BYTES });
          // The rest of the body is never read: the connection cannot carry another request after it.
          c.header("connection", "close");
          return c.json({ error: { code: "PAYLOAD_TOO_LARGE", message } }, 413);
        },
      }),
    );
  }

  app.all("/trpc/*", (c) =>
    handleTrpcRequest(c.req.raw, c.var.ctx, {
      endpoint: "/trpc",
      onInternalError: (error, path) => logger.error({ err: error, procedure: path }, "procedure failed"),
    }),
  );
  app.route("/api/calendar/events", calendarEventsRoutes);
  app.route("/api/calendar", outlookRoutes);
  const webhooks = deps.sync
    ? outlookWebhookRoutes({
        db: deps.db,
        queue: deps.sync.queue,
        rejections: deps.webhookRejections ?? new WebhookRejections(deps.db, logger),
        budgets,
        trustProxy: deps.trustProxy ?? false,
      })
    : outlookWebhooksWithoutSync();
  app.route("/api/calendar", webhooks);
  app.route("/api/admin/integrations", adminIntegrationsRoutes);
  app.get("/api/admin/sync/failed-jobs", (c) =>
    throughProcedure(c, async (caller) => ({ jobs: await caller.sync.failedJobs() })),
  );
  app.route("/api/admin/audit-log", auditLogRoutes);
  app.route("/api/admin/service-tokens", serviceTokensRoutes);
  app.get("/api/me", (c) => throughProcedure(c, (caller) => caller.me()));
  app.route("/api/users", usersRoutes);
  app.post("/api/demo/sign-in", (c) =>
    throughProcedure(c, async (caller) => caller.demo.signIn(unvalidated(await jsonBody(c)))),
  );
  app.route("/api/calendar/feed", calendarFeedRoutes);
  // Outside /api: calendar apps poll it with no credentials but its secret, under a budget of its own.
  if (deps.calendarFeeds)
    app.route(
      "/feeds",
      feedRoutes({ db: deps.db, settings: deps.calendarFeeds, logger, budgets, trustProxy: deps.trustProxy ?? false }),
    );
  if (deps.demo) app.route("/demo", demoRoutes);
  app.route("/addin", addinRoutes(deps.addin ?? { demo: deps.demo !== null, auth: null }));
  app.route("/", webRoutes());

  app.notFound((c) => {
    const message = errorMessage(localeFromAcceptLanguage(c.req.header("accept-language")), "ROUTE_NOT_FOUND", {
      path: `${c.req.method} ${c.req.path}`,
    });
    return c.json({ error: { code: "ROUTE_NOT_FOUND", message } }, 404);
  });
  app.onError((error, c) => {
    logger.error({ err: error, method: c.req.method, path: loggablePath(c.req.path) }, "request failed");
    const message = errorMessage(localeFromAcceptLanguage(c.req.header("accept-language")), "INTERNAL");
    return c.json({ error: { code: "INTERNAL", message } }, 500);
  });
  return app;
}
