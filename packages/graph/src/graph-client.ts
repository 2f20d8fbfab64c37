import { hostname } from "node:os";
import { Client, GraphError } from "@microsoft/microsoft-graph-client";
import {
  BearerMiddleware,
  DEFAULT_RETRY,
  FetchMiddleware,
  LimiterMiddleware,
  OriginGuardMiddleware,
  ResilienceMiddleware,
  type GraphAttempt,
  type RetrySettings,
} from "./graph-middleware";
import { MailboxLimiter } from "./mailbox-limiter";

export interface GraphClientOptions {
  /** Graph's origin: `https://graph.microsoft.com`, or the sandbox's `https://127.0.0.1:{port}`. */
  origin: string;
  /** A valid access token for the mailbox; `forceRefresh` after Graph refused one with 401. */
  accessToken: (options: { forceRefresh: boolean }) => Promise<string>;
  /** The mailbox's limiter, shared by every client of that mailbox in this process. */
  limiter?: MailboxLimiter;
  retry?: Partial<RetrySettings>;
  /** Called after every attempt, retries included. */
  onAttempt?: (attempt: GraphAttempt) => void;
  /** Sent with every request; by default names the product and this process. */
  userAgent?: string;
}

/**
 * Microsoft asks callers to decorate their traffic (`ISV|Company|App/Version`) so its support can tell apps apart in
 * throttling cases; the host and pid tell this deployment's processes apart in Graph's logs (and the sandbox's).
 */
export const DEFAULT_USER_AGENT = `NONISV|Agenda|AgendaSync/1.0 (${hostname()}; pid ${process.pid})`;

/**
 * A Graph SDK client whose every request goes through: a refusal of any origin but Graph's, retries that honour
 * Retry-After, the mailbox's limiter, the bearer token (refreshed once on 401), and a per-attempt timeout.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const origin = new URL(options.origin);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const guard = new OriginGuardMiddleware(origin.origin);
  const resilience = new ResilienceMiddleware(retry, options.onAttempt);
  const limiter = new LimiterMiddleware(options.limiter ?? new MailboxLimiter());
  const bearer = new BearerMiddleware(options.accessToken);
  guard.setNext(resilience);
  resilience.setNext(limiter);
  limiter.setNext(bearer);
  bearer.setNext(new FetchMiddleware(retry.timeoutMs, options.userAgent ?? DEFAULT_USER_AGENT));
  return Client.initWithMiddleware({ middleware: guard, baseUrl: `${origin.origin}/`, defaultVersion: "v1.0" });
}

/** Graph's status of a failed call, when it was Graph that answered. */
export function graphStatusOf(error: unknown): number | undefined {
  return error instanceof GraphError ? error.statusCode : undefined;
}

/** Graph's answer about an item that is not there (any more). */
export function isGoneStatus(status: number | undefined): boolean {
  return status === 404 || status === 410;
}

/** Graph's answer to a DELETE of something already gone: 404, 410, or 403 for cancelled meetings (seen in Odoo). */
export function isAlreadyGoneStatus(status: number | undefined): boolean {
  return isGoneStatus(status) || status === 403;
}

export function isAlreadyGone(error: unknown): boolean {
  return isAlreadyGoneStatus(graphStatusOf(error));
}
