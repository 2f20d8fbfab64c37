import type { Logger } from "@agenda/observability/logger";
import type { MiddlewareHandler } from "hono";

/**
 * One line per API request: method, path, status, duration (the request id comes from the log context). The path
 * only: the query string of /trpc subscriptions carries a stream ticket (`connectionParams`), and a careless client
 * may put worse there.
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info({ method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Math.round(performance.now() - started) }, "request");
  };
}
