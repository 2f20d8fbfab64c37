import { randomUUID } from "node:crypto";
import type { Context, Middleware, MiddlewareOptions } from "@microsoft/microsoft-graph-client";
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
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000, timeoutMs: 30_000 };

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
    const policy = context.middlewareControl?.getMiddlewareOptions(GraphRequestPolicy) as GraphRequestPolicy | undefined;
    const idempotent = policy?.idempotent ?? method !== "POST";
    const clientRequestId = randomUUID();
    setHeader(context, "client-request-id", clientRequestId);
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
      const retryInMs = attempt < this.settings.maxAttempts ? this.#retryDelay(response, idempotent, attempt) : undefined;
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

  #retryDelay(response: Response | undefined, idempotent: boolean, attempt: number): number | undefined {
    const backoff = Math.random() * Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (attempt - 1));
    if (!response) return idempotent ? backoff : undefined;
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

/**
 * Sends the bearer token, to Graph's origin only. A 401 (a token that expired or was revoked mid-pagination) gets one
 * more try with a freshly refreshed token.
 */
export class BearerMiddleware extends Link {
  constructor(
    private readonly origin: string,
    private readonly accessToken: (options: { forceRefresh: boolean }) => Promise<string>,
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    if (new URL(urlOf(context.request)).origin !== this.origin) {
      await this.forward(context);
      return;
    }
    setHeader(context, "Authorization", `Bearer ${await this.accessToken({ forceRefresh: false })}`);
    await this.forward(context);
    if ((context.response as Response | undefined)?.status !== 401) return;
    await (context.response as Response).body?.cancel().catch(() => undefined);
    setHeader(context, "Authorization", `Bearer ${await this.accessToken({ forceRefresh: true })}`);
    await this.forward(context);
  }
}

/** Sends the request with Node's fetch, giving up on an attempt after `timeoutMs`. */
export class FetchMiddleware implements Middleware {
  constructor(
    private readonly timeoutMs: number,
    private readonly userAgent: string,
  ) {}

  async execute(context: Context): Promise<void> {
    setHeader(context, "User-Agent", this.userAgent);
    context.response = await fetch(context.request, { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) } as RequestInit);
  }
}
