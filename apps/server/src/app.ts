import { errorMessage, handleTrpcRequest, localeFromAcceptLanguage } from "@agenda/api";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createRequestContext, requestIdOf, type AppDependencies } from "./context";
import type { RequestVariables } from "./request-variables";
import { calendarEventsRoutes } from "./routes/calendar-events";
import { demoRoutes } from "./routes/demo";
import { outlookRoutes } from "./routes/outlook";
import { outlookNotificationRoutes } from "./routes/outlook-notifications";
import { jsonBody, throughProcedure, unvalidated } from "./routes/rest";
import { webRoutes } from "./routes/web";

export type { AppDependencies } from "./context";

/** Requests larger than this are refused before they are read: no calendar payload comes near it. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDependencies) {
  const app = new Hono<{ Variables: RequestVariables }>();

  app.get("/healthz", (c) => c.json({ status: "ok" }));

  for (const path of ["/trpc/*", "/api/*"]) {
    app.use(path, async (c, next) => {
      const requestId = requestIdOf(c);
      c.header("x-request-id", requestId);
      c.set("ctx", await createRequestContext(deps, c, requestId));
      await next();
    });
    app.use(
      path,
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) => {
          const message = errorMessage(c.var.ctx.locale, "PAYLOAD_TOO_LARGE", { limit: MAX_BODY_BYTES });
          return c.json({ error: { code: "PAYLOAD_TOO_LARGE", message } }, 413);
        },
      }),
    );
  }

  app.all("/trpc/*", (c) =>
    handleTrpcRequest(c.req.raw, c.var.ctx, {
      endpoint: "/trpc",
      onInternalError: (error, path) => console.error(`[${c.var.ctx.requestId}] ${path ?? "?"} failed`, error),
      contextForToken: (token) => createRequestContext(deps, c, c.var.ctx.requestId, token),
    }),
  );
  app.route("/api/calendar/events", calendarEventsRoutes);
  app.route("/api/calendar", outlookRoutes);
  app.route("/api/calendar", outlookNotificationRoutes);
  app.get("/api/admin/integrations", (c) => throughProcedure(c, async (caller) => ({ integrations: await caller.integrations.all() })));
  app.get("/api/admin/sync/failed-jobs", (c) => throughProcedure(c, async (caller) => ({ jobs: await caller.sync.failedJobs() })));
  app.get("/api/me", (c) => throughProcedure(c, (caller) => caller.me()));
  app.post("/api/demo/sign-in", (c) => throughProcedure(c, async (caller) => caller.demo.signIn(unvalidated(await jsonBody(c)))));
  if (deps.demo) app.route("/demo", demoRoutes);
  app.route("/", webRoutes());

  app.notFound((c) => {
    const message = errorMessage(localeFromAcceptLanguage(c.req.header("accept-language")), "ROUTE_NOT_FOUND", { path: `${c.req.method} ${c.req.path}` });
    return c.json({ error: { code: "ROUTE_NOT_FOUND", message } }, 404);
  });
  app.onError((error, c) => {
    console.error(`${c.req.method} ${c.req.path} failed`, error);
    const message = errorMessage(localeFromAcceptLanguage(c.req.header("accept-language")), "INTERNAL");
    return c.json({ error: { code: "INTERNAL", message } }, 500);
  });
  return app;
}
