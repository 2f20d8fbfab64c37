import { ApiError, errorMessage, refuseTrpcRequest, trpcCallCount, MAX_TRPC_BATCH, type Context } from "@agenda/api";
import type { Database } from "@agenda/db/client";
import { rateLimitBuckets } from "@agenda/db/schema";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { RequestVariables } from "./request-variables";

export interface RateLimits {
  /** Requests (tRPC calls, each call of a batch counting) a signed-in person may make per minute. */
  perUserPerMinute: number;
  /** The same for one service token (an internal app): its own budget, apart from people's. */
  perServiceTokenPerMinute: number;
  /** Requests without valid credentials (anonymous, refused tokens) from one client address per minute. */
  perAddressPerMinute: number;
  /**
   * Webhook posts carrying nothing Microsoft sent (unknown subscriptions, a wrong clientState) from one client
   * address per minute. Posts with a genuine notification are never counted nor refused.
   */
  rejectedWebhooksPerAddressPerMinute: number;
  /** Polls of one private calendar feed per minute, whoever polls it (its secret is the only credential). */
  perFeedPerMinute: number;
}

type BudgetKind = "user" | "service" | "address" | "webhook" | "feed";

export type Spent = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Where app.ts mounts the typed API: its callers are refused in tRPC's error envelope, the REST doors' in theirs. */
const TRPC_ENDPOINT = "/trpc";

/**
 * Per-minute budgets shared by every server process: buckets in Postgres through rate-limiter-flexible's Drizzle
 * store, so N processes still give a caller one budget. A key over its budget is also blocked in this process's
 * memory until its window ends, so a flood costs no query; if Postgres fails, each process counts alone meanwhile.
 */
export class RequestBudgets {
  readonly #limiters: Record<BudgetKind, RateLimiterDrizzle>;

  constructor(db: Database, limits: RateLimits) {
    const limiter = (kind: BudgetKind, points: number) =>
      new RateLimiterDrizzle({
        storeClient: db,
        schema: rateLimitBuckets,
        keyPrefix: kind,
        points,
        duration: 60,
        inMemoryBlockOnConsumed: points + 1,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: kind, points, duration: 60 }),
      });
    this.#limiters = {
      user: limiter("user", limits.perUserPerMinute),
      service: limiter("service", limits.perServiceTokenPerMinute),
      address: limiter("address", limits.perAddressPerMinute),
      webhook: limiter("webhook", limits.rejectedWebhooksPerAddressPerMinute),
      feed: limiter("feed", limits.perFeedPerMinute),
    };
  }

  /** Spends `points` of the `kind` budget of `key`; answers how long to wait once it is over. */
  async spend(kind: BudgetKind, key: string, points = 1): Promise<Spent> {
    try {
      await this.#limiters[kind].consume(key, points);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }
}

/**
 * The client's address: the socket's, or, behind a proxy this deployment trusts (TRUST_PROXY), the address that
 * proxy appended last to X-Forwarded-For — earlier entries are whatever the client chose to send.
 */
export function clientAddressOf(c: HonoContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket;
  return socket?.remoteAddress ?? "unknown";
}

/** Whose budget a request spends: a person's, an app's, or its client address's when it has no valid credentials. */
function budgetOf(ctx: Context, address: string): { kind: BudgetKind; key: string } {
  const person = ctx.caller?.kind === "user" ? ctx.caller.user : ctx.streamCaller?.user;
  if (person) return { kind: "user", key: person.id };
  if (ctx.caller?.kind === "service") return { kind: "service", key: ctx.caller.serviceToken.id };
  return { kind: "address", key: address };
}

/** Answers a refusal in the envelope the caller reads: tRPC's for the typed API, `{ error }` for the REST doors. */
async function refuse(
  c: HonoContext<{ Variables: RequestVariables }>,
  error: ApiError,
  status: 400 | 429,
  headers: Record<string, string>,
): Promise<Response> {
  if (c.req.path.startsWith(`${TRPC_ENDPOINT}/`)) return refuseTrpcRequest(c.req.raw, TRPC_ENDPOINT, error, headers);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json({ error: { code: error.appCode, message: error.message } }, status);
}

/**
 * Refuses batches over MAX_TRPC_BATCH calls, then spends one point per call (a batch of ten is ten calls) from the
 * caller's budget, and answers 429 with Retry-After once it is spent. Runs after the request context is built, so a
 * stream ticket in `connectionParams` counts exactly like a token in the header.
 */
export function rateLimit(
  budgets: RequestBudgets,
  trustProxy: boolean,
): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const { ctx } = c.var;
    const calls = c.req.path.startsWith(`${TRPC_ENDPOINT}/`) ? trpcCallCount(c.req.raw, TRPC_ENDPOINT) : 1;
    if (calls > MAX_TRPC_BATCH)
      return refuse(c, new ApiError("BATCH_TOO_LARGE", ctx.locale, { max: MAX_TRPC_BATCH }), 400, {});
    const budget = budgetOf(ctx, clientAddressOf(c, trustProxy));
    const spent = await budgets.spend(budget.kind, budget.key, calls);
    if (spent.allowed) return next();
    const refusal = new ApiError("RATE_LIMITED", ctx.locale, { seconds: spent.retryAfterSeconds });
    return refuse(c, refusal, 429, { "retry-after": String(spent.retryAfterSeconds) });
  };
}

/** The answer to a webhook post from an address past its budget of rejected posts: plain text, as Graph reads it. */
export function webhookRefusal(c: HonoContext, spent: Extract<Spent, { allowed: false }>): Response {
  c.header("retry-after", String(spent.retryAfterSeconds));
  return c.text(errorMessage("en", "RATE_LIMITED", { seconds: spent.retryAfterSeconds }), 429);
}
