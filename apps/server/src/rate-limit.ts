import { ApiError, errorMessage, refuseTrpcRequest, type Context } from "@agenda/api";
import type { MiddlewareHandler } from "hono";
import type { RequestVariables } from "./request-variables";

export interface RateLimits {
  /** Requests a signed-in person may make per minute. */
  perUserPerMinute: number;
  /** Requests one service token (an internal app) may make per minute: its own budget, apart from people's. */
  perServiceTokenPerMinute: number;
}

const WINDOW_MS = 60_000;

/** Where app.ts mounts the typed API: its callers are refused in tRPC's error envelope, the REST doors' in theirs. */
const TRPC_ENDPOINT = "/trpc";

/**
 * Fixed one-minute windows counted in this process's memory: behind N server processes a caller gets up to N times
 * its budget, which still keeps one misbehaving caller from starving the others.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { startedAt: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request of `key`; answers how many seconds to wait when it is over `limit`. */
  take(key: string, limit: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (this.#windows.size > 10_000) this.#forgetEnded(now);
      window = { startedAt: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    if (window.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - now) / 1000)) };
  }

  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows) if (now - window.startedAt >= WINDOW_MS) this.#windows.delete(key);
  }
}

/** Whose budget a request spends: anonymous requests are refused by authentication, not counted here. */
function budgetOf(ctx: Context, limits: RateLimits): { key: string; limit: number } | null {
  if (ctx.caller?.kind === "user") return { key: `user:${ctx.caller.user.id}`, limit: limits.perUserPerMinute };
  if (ctx.caller?.kind === "service") return { key: `service:${ctx.caller.serviceToken.id}`, limit: limits.perServiceTokenPerMinute };
  return null;
}

/** Answers 429 with Retry-After once the caller's budget for the minute is spent. Runs after the request context is built. */
export function rateLimit(limits: RateLimits, limiter = new RateLimiter()): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const budget = budgetOf(c.var.ctx, limits);
    const taken = budget ? limiter.take(budget.key, budget.limit) : ({ allowed: true } as const);
    if (taken.allowed) return next();
    const retryAfter = String(taken.retryAfterSeconds);
    if (c.req.path.startsWith(`${TRPC_ENDPOINT}/`)) {
      const refusal = new ApiError("RATE_LIMITED", c.var.ctx.locale, { seconds: taken.retryAfterSeconds });
      return refuseTrpcRequest(c.req.raw, TRPC_ENDPOINT, refusal, { "retry-after": retryAfter });
    }
    c.header("retry-after", retryAfter);
    const message = errorMessage(c.var.ctx.locale, "RATE_LIMITED", { seconds: taken.retryAfterSeconds });
    return c.json({ error: { code: "RATE_LIMITED", message } }, 429);
  };
}
