import { Hono } from "hono";
import type { TokenVerifier } from "./auth";
import { registerBatchRoute } from "./batch";
import { graphPath, type GraphEnv, type GraphRuntime } from "./context";
import { GraphError, accessDenied } from "./errors";
import { errorResponse, graphPipeline } from "./pipeline";
import { registerCalendarViewRoutes } from "./routes/calendar-view";
import { registerCalendarRoutes } from "./routes/calendars";
import { registerDeltaRoutes } from "./routes/delta";
import { registerEventRoutes } from "./routes/events";
import { registerProfileRoutes } from "./routes/profile";
import { registerSubscriptionRoutes } from "./routes/subscriptions";
import type { SubscriptionRegistry } from "./subscriptions/subscriptions";

/** The routes of one mailbox, served under /me and under /users/{id|userPrincipalName}. */
function mailboxRoutes(runtime: GraphRuntime): Hono<GraphEnv> {
  const mailbox = new Hono<GraphEnv>();
  registerProfileRoutes(mailbox, runtime);
  registerCalendarRoutes(mailbox, runtime);
  registerEventRoutes(mailbox, runtime);
  registerCalendarViewRoutes(mailbox, runtime);
  registerDeltaRoutes(mailbox, runtime);
  return mailbox;
}

/** Graph v1.0 as mounted under /v1.0: /me…, /users/{id}/…, /subscriptions, /$batch. */
export function createGraphApi(
  runtime: GraphRuntime,
  tokens: TokenVerifier,
  subscriptions: SubscriptionRegistry,
): Hono<GraphEnv> {
  const api = new Hono<GraphEnv>();
  api.use("*", graphPipeline(runtime, tokens));
  const mailbox = mailboxRoutes(runtime);
  api.route("/me", mailbox);
  // Delegated tokens reach only their own mailbox; other users' mailboxes would need sharing the sandbox does not model.
  api.use("/users/:userId/*", async (c, next) => {
    const target = decodeURIComponent(c.req.param("userId"));
    const user = c.get("user");
    if (target !== user.id && target.toLowerCase() !== user.userPrincipalName.toLowerCase()) throw accessDenied();
    await next();
  });
  api.route("/users/:userId", mailbox);
  registerSubscriptionRoutes(api, runtime, subscriptions);
  registerBatchRoute(api, runtime, (request, env) => Promise.resolve(api.fetch(request, env)));
  api.all("*", (c) => {
    const segment = graphPath(c).split("/").filter(Boolean).pop() ?? "";
    throw new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
  });
  api.onError((error, c) => errorResponse(c, error));
  return api;
}
