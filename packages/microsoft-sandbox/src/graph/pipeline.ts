import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { TokenVerifier } from "./auth";
import type { GraphContext, GraphEnv, GraphRuntime } from "./context";
import { graphPath } from "./context";
import { GraphError, errorBody, invalidAuthenticationToken } from "./errors";
import { parsePreferences } from "./odata";

const ALREADY_SENT = "x-hono-already-sent";

export function errorResponse(c: GraphContext, error: unknown): Response {
  const graphError =
    error instanceof GraphError
      ? error
      : new GraphError(500, "generalException", "An unexpected error occurred while processing the request.");
  if (!(error instanceof GraphError)) console.error("graph sandbox: unhandled error", error);
  const body = errorBody(graphError, c.get("requestId"), c.req.header("client-request-id"));
  const headers = new Headers({ "Content-Type": "application/json", ...graphError.headers });
  if (graphError.status === 401) {
    headers.set(
      "WWW-Authenticate",
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
  }
  return new Response(JSON.stringify(body), { status: graphError.status, headers });
}

/** Route template of the request, e.g. "GET /me/events/{eventId}"; middleware and the catch-all are registered for ALL methods. */
function endpointOf(c: GraphContext): string {
  const route = matchedRoutes(c).find((candidate) => candidate.method !== "ALL");
  const path = route ? route.path.replace(/^\/v1\.0/, "").replace(/:(\w+)/g, "{$1}") : "(unmatched)";
  return `${c.req.method} ${path}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every Graph request goes through here: request-id, bearer token, Outlook throttling, injected faults,
 * then the route; the outcome is logged and counted whatever happens.
 */
export function graphPipeline(runtime: GraphRuntime, tokens: TokenVerifier): MiddlewareHandler<GraphEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    c.set("requestId", requestId);
    c.set("injected", undefined);
    try {
      await authorizeAndRun(c, next, runtime, tokens);
    } catch (error) {
      c.res = errorResponse(c, error);
    }
    if (!c.res.headers.has(ALREADY_SENT)) {
      c.res.headers.set("request-id", requestId);
      c.res.headers.set("client-request-id", c.req.header("client-request-id") ?? requestId);
    }
    const url = new URL(c.req.url);
    const endpoint = endpointOf(c);
    runtime.log.record({
      requestId,
      at: new Date().toISOString(),
      method: c.req.method,
      url: graphPath(c) + url.search,
      endpoint,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      mailboxId: c.var.user?.id,
      appId: c.var.claims?.azp,
      batchId: c.env?.batchParent?.requestId,
      userAgent: c.env?.batchParent?.userAgent ?? c.req.header("user-agent"),
      injected: c.get("injected"),
    });
    if (runtime.outputs.observed && !c.res.headers.has(ALREADY_SENT)) {
      // A copy: the response itself still has its body to send.
      const body = await c.res.clone().text();
      runtime.outputs.emit({
        kind: "response",
        endpoint,
        status: c.res.status,
        contentType: c.res.headers.get("content-type") ?? "",
        body,
      });
    }
  };
}

async function authorizeAndRun(
  c: GraphContext,
  next: () => Promise<void>,
  runtime: GraphRuntime,
  tokens: TokenVerifier,
): Promise<void> {
  const claims = await tokens.claims(c.req.header("authorization"));
  if (runtime.faults.rejectsToken(claims.iat)) {
    c.set("injected", "fault:token-rejected");
    throw invalidAuthenticationToken("Lifetime validation failed, the token is expired.");
  }
  const user = runtime.directory.find(claims.oid);
  if (!user || user.tenantId !== claims.tid)
    throw invalidAuthenticationToken("Access token validation failure. The user or tenant of the token is unknown.");
  c.set("claims", claims);
  c.set("user", user);
  c.set("mailbox", runtime.store.mailbox(user));
  c.set("preferences", parsePreferences(c.req.header("prefer")));
  if (c.req.path.endsWith("/$batch")) {
    // The batch envelope is not a mailbox request: each of its sub-requests is throttled on its own.
    await next();
    return;
  }
  const admission = runtime.throttle.admit(claims.azp, user.id);
  if (!admission.admitted) {
    c.set("injected", `throttled:${admission.reason}`);
    throw admission.error;
  }
  try {
    const latency = runtime.faults.latencyMs();
    if (latency > 0) await sleep(latency);
    const failure = runtime.faults.failure(c.req.method, graphPath(c));
    if (failure) {
      c.set("injected", `fault:${failure.status}`);
      const retryAfter = Number(failure.headers["Retry-After"]);
      if (failure.status === 429 && retryAfter > 0) runtime.throttle.holdOff(claims.azp, user.id, retryAfter);
      throw failure;
    }
    await next();
  } finally {
    admission.release();
  }
}
