import { randomUUID } from "node:crypto";
import {
  GraphClientError,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from "@microsoft/microsoft-graph-client";
import type { MailboxLimiter } from "./mailbox-limiter";

/** How one request may be retried. Pass it with `.middlewareOptions([new GraphRequestPolicy({ idempotent: true })])`. */
export class GraphRequestPolicy implements MiddlewareOptions {
  /**
   * Whether sending the request twice is harmless. GET, PUT, PATCH and DELETE are; a POST is only when it says so
   * (an event create carrying a transactionId, a $batch of such writes).
   */
  readonly idempotent: boolean | undefined;
  constructor(options: { idempotent?: boolean } = {}) {
    this.idempotent = options.idempotent;
  }
}

export interface RetrySettings {
  maxAttempts: number;
  /** First backoff of the exponential schedule (full jitter), for failures that do not say when to come back. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the response goes back to the caller, who can re-queue. */
  maxRetryAfterMs: number;
  /** Per attempt. */
  timeoutMs: number;
  /**
   * A failure without an answer (refused, DNS, TLS, timeout, no token) is retried until this long after the request's
   * first attempt, however many attempts are left.
   */
  networkBudgetMs: number;
}

/** For jobs: nobody waits on them, so Microsoft unreachable is retried for the whole schedule (up to 15 s of backoff). */
export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 30_000,
  networkBudgetMs: Number.POSITIVE_INFINITY,
};

/**
 * For calls someone waits on (an API request): Microsoft unreachable is said after 2 s of refused connections, or
 * after one attempt of a silent network (10 s), rather than after a job's schedule. Answers, 429 included, are
 * retried as for jobs.
 */
export const USER_FACING_RETRY: RetrySettings = { ...DEFAULT_RETRY, timeoutMs: 10_000, networkBudgetMs: 2_000 };

/**
 * A failure of this client's own, as its callers get it: the SDK passes a GraphClientError through as it is, where
 * it flattens any other error into a GraphError of status -1 that no longer says what happened.
 */
abstract class GraphClientFailure extends GraphClientError {
  constructor(message: string) {
    super(message);
    // GraphClientError's constructor sets its own prototype, which would hide the subclass from `instanceof`.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Microsoft could not be reached: refused connection, DNS, TLS, or no answer in time. */
export class MicrosoftUnreachableError extends GraphClientFailure {
  constructor(
    readonly origin: string,
    /** What failed, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ERR_TLS_CERT_ALTNAME_INVALID`, `timeout`. */
    readonly reason: string,
  ) {
    super(`${origin} unreachable: ${reason}`);
    this.name = "MicrosoftUnreachableError";
  }
}

/**
 * A request to an origin other than Graph's, refused before anything was sent: a link is followed only where Graph
 * lives (a stored delta link from a former sandbox, a link an answer carried). Says the origin only: links carry
 * delta and skip tokens.
 */
export class ForeignOriginError extends GraphClientFailure {
  constructor(
    readonly origin: string,
    readonly graphOrigin: string,
  ) {
    super(`a link to ${origin} was not followed: Graph is at ${graphOrigin}`);
    this.name = "ForeignOriginError";
  }
}

/** No access token could be had for the request; `cause` is what the token provider threw. */
export class AccessTokenError extends GraphClientFailure {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "AccessTokenError";
  }
}

/** The origin of a link, or what stands for it when the link is not an absolute URL; never its path or query. */
export function originOf(link: string): string {
  return URL.canParse(link) ? new URL(link).origin : "(not an absolute URL)";
}

/** Whether a link, as Graph gave it or as stored since, points at Graph's origin (`https://graph.microsoft.com`). */
export function isGraphLink(link: string, graphOrigin: string): boolean {
  return URL.canParse(link) && new URL(link).origin === new URL(graphOrigin).origin;
}

/** What one attempt did: for sync-run counts and metrics. */
export interface GraphAttempt {
  method: string;
  url: string;
  /** Undefined when no response came (reset, timeout). */
  status: number | undefined;
  durationMs: number;
  /** Graph's request-id, for support tickets with Microsoft. */
  requestId: string | null;
  /** The client-request-id sent (a GUID per request, as Microsoft asks) and echoed: support tickets quote it too. */
  clientRequestId?: string;
  /** How long the client waits before the next attempt, when it retries. */
  retryInMs: number | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After as Graph sends it: seconds (possibly fractional) or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function urlOf(request: Context["request"]): string {
  return typeof request === "string" ? request : request.url;
}

function setHeader(context: Context, name: string, value: string): void {
  context.options ??= {};
  const headers = context.options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else context.options.headers = { ...(headers as Record<string, string> | undefined), [name]: value };
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  protected async forward(context: Context): Promise<void> {
    if (!this.next) throw new Error("Graph middleware chain ends too early");
    await this.next.execute(context);
  }
  abstract execute(context: Context): Promise<void>;
}

/**
 * Retries what Graph asks to retry: 429, 503 and 504 after their Retry-After (never earlier: Outlook throttles an
 * early retry again), else exponential backoff with full jitter; 500, 502, resets and timeouts too when repeating
 * the request is harmless.
 */
export class ResilienceMiddleware extends Link {
  constructor(
    private readonly settings: RetrySettings,
    private readonly onAttempt: ((attempt: GraphAttempt) => void) | undefined,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const method = (context.options?.method ?? "GET").toUpperCase();
    const policy = context.middlewareControl?.getMiddlewareOptions(GraphRequestPolicy) as
      GraphRequestPolicy | undefined;
    const idempotent = policy?.idempotent ?? method !== "POST";
    const clientRequestId = randomUUID();
    setHeader(context, "client-request-id", clientRequestId);
    const firstStarted = Date.now();
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      context.response = undefined;
      let failure: unknown;
      try {
        await this.forward(context);
      } catch (error) {
        failure = error;
      }
      const response = context.response as Response | undefined;
      const status = response?.status;
      const retryInMs =
        attempt < this.settings.maxAttempts
          ? this.#retryDelay(response, idempotent, attempt, Date.now() - firstStarted)
          : undefined;
      this.onAttempt?.({
        method,
        url: urlOf(context.request),
        status,
        durationMs: Date.now() - started,
        requestId: response?.headers.get("request-id") ?? null,
        clientRequestId: response?.headers.get("client-request-id") ?? clientRequestId,
        retryInMs,
      });
      if (retryInMs === undefined) {
        if (failure !== undefined) throw failure;
        return;
      }
      await response?.body?.cancel().catch(() => undefined);
      await sleep(retryInMs);
    }
  }

  #retryDelay(
    response: Response | undefined,
    idempotent: boolean,
    attempt: number,
    elapsedMs: number,
  ): number | undefined {
    const backoff = Math.random() * Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (attempt - 1));
    if (!response) {
      const budgetLeft = this.settings.networkBudgetMs - elapsedMs;
      return idempotent && budgetLeft > 0 ? Math.min(backoff, budgetLeft) : undefined;
    }
    const { status } = response;
    if (status === 429 || status === 503 || status === 504) {
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      if (retryAfter === undefined) return backoff;
      return retryAfter <= this.settings.maxRetryAfterMs ? retryAfter + Math.random() * 100 : undefined;
    }
    if ((status === 500 || status === 502) && idempotent) return backoff;
    return undefined;
  }
}

/** Holds a slot of the mailbox's limiter for the time of each attempt. */
export class LimiterMiddleware extends Link {
  constructor(private readonly limiter: MailboxLimiter) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const release = await this.limiter.acquire();
    try {
      await this.forward(context);
    } finally {
      release();
    }
  }
}

/** Refuses, before any attempt, a request to an origin other than Graph's: nothing leaves for anywhere else. */
export class OriginGuardMiddleware extends Link {
  constructor(private readonly graphOrigin: string) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const url = urlOf(context.request);
    if (!isGraphLink(url, this.graphOrigin)) throw new ForeignOriginError(originOf(url), this.graphOrigin);
    await this.forward(context);
  }
}

/**
 * Sends the bearer token (requests reach this link for Graph's origin only). A 401 (a token that expired or was
 * revoked mid-pagination) gets one more try with a freshly refreshed token.
 */
export class BearerMiddleware extends Link {
  constructor(private readonly accessToken: (options: { forceRefresh: boolean }) => Promise<string>) {
    super();
  }

  async execute(context: Context): Promise<void> {
    setHeader(context, "Authorization", `Bearer ${await this.#token(false)}`);
    await this.forward(context);
    if ((context.response as Response | undefined)?.status !== 401) return;
    await (context.response as Response).body?.cancel().catch(() => undefined);
    setHeader(context, "Authorization", `Bearer ${await this.#token(true)}`);
    await this.forward(context);
  }

  async #token(forceRefresh: boolean): Promise<string> {
    try {
      return await this.accessToken({ forceRefresh });
    } catch (error) {
      throw new AccessTokenError(error);
    }
  }
}

/** Why fetch got no answer, when it is the network's doing: undici's `fetch failed` with its cause, or a timeout. */
export function networkFailureOf(error: unknown): string | undefined {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  if (!(error instanceof TypeError) || !(error.cause instanceof Error)) return undefined;
  return (error.cause as Error & { code?: string }).code ?? error.cause.message;
}

/** Sends the request with Node's fetch, giving up on an attempt after `timeoutMs`. */
export class FetchMiddleware implements Middleware {
  constructor(
    private readonly timeoutMs: number,
    private readonly userAgent: string,
  ) {}

  async execute(context: Context): Promise<void> {
    setHeader(context, "User-Agent", this.userAgent);
    try {
      context.response = await fetch(context.request, {
        ...context.options,
        signal: AbortSignal.timeout(this.timeoutMs),
      } as RequestInit);
    } catch (error) {
      const reason = networkFailureOf(error);
      throw reason === undefined ? error : new MicrosoftUnreachableError(originOf(urlOf(context.request)), reason);
    }
  }
}
