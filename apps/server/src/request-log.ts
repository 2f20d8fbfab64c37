import type { Logger } from "@agenda/observability/logger";
import type { MiddlewareHandler } from "hono";

/** A private calendar feed's address is its only credential: its secret never reaches a log. */
const FEED_SECRET = /^\/feeds\/[^/]+/;

/** A request's path as it may be logged. */
export function loggablePath(path: string): string {
  return path.replace(FEED_SECRET, "/feeds/[secret]");
}

/**
 * One line per API request: method, path, status, duration (the request id comes from the log context). The path
 * only: the query string of /trpc subscriptions carries a stream ticket (`connectionParams`), and a careless client
 * may put worse there; a feed's secret is masked.
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        method: c.req.method,
        path: loggablePath(c.req.path),
        status: c.res.status,
        durationMs: Math.round(performance.now() - started),
      },
      "request",
    );
  };
}
