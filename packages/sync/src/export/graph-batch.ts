import { DEFAULT_RETRY, GraphRequestPolicy, parseRetryAfter } from "@agenda/graph/graph-middleware";
import type { Client } from "@microsoft/microsoft-graph-client";

/** Graph's cap on the requests of one JSON batch. */
export const MAX_BATCH_REQUESTS = 20;

/** Sent on every request: ids that survive moves between calendars. */
export const PREFER_IMMUTABLE_IDS = 'IdType="ImmutableId"';

/** One request of a batch. Only idempotent ones belong here (GET, PATCH, DELETE, a create carrying a transactionId). */
export interface BatchSubRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Relative to the version: `/me/events/{id}`. */
  url: string;
  /** Besides `Prefer: IdType="ImmutableId"` (which a `Prefer` given here replaces) and the body's Content-Type. */
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchSubResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** A request and what the caller needs to know about it once it is answered. */
export interface BatchItem<T> {
  request: BatchSubRequest;
  tag: T;
}

/** The final answer to one request: a success, a refusal, or the last transient failure once retrying stopped. */
export interface AnsweredRequest<T> {
  tag: T;
  response: BatchSubResponse;
  /** The response is a transient failure (429, 5xx) that was retried as long as allowed: try again later. */
  retriesExhausted: boolean;
}

export interface BatchRetrySettings {
  /** Attempts of a request failing with 500, 502, 503 or 504. */
  maxAttempts: number;
  /**
   * Attempts of a request throttled with 429. Throttled requests were not run, and inside a batch every request
   * Outlook receives before the Retry-After is over is throttled too, so they get a budget of their own.
   */
  maxThrottledAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request is given back as exhausted. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetrySettings = {
  maxAttempts: DEFAULT_RETRY.maxAttempts,
  maxThrottledAttempts: 30,
  baseDelayMs: DEFAULT_RETRY.baseDelayMs,
  maxDelayMs: DEFAULT_RETRY.maxDelayMs,
  maxRetryAfterMs: DEFAULT_RETRY.maxRetryAfterMs,
};

/** What sending cost at Outlook, where every sub-request counts (the envelope does not), for run statistics. */
export interface BatchStats {
  /** Sub-requests sent, retries included. */
  subRequests: number;
  /** Sub-requests answered 429. */
  throttled: number;
}

interface Pending<T> {
  item: BatchItem<T>;
  failures: number;
  throttles: number;
  notBefore: number;
}

const TRANSIENT = new Set([429, 500, 502, 503, 504]);
/** Statuses whose Retry-After speaks for the whole mailbox, not only for the request that got it. */
const HOLD_OFF = new Set([429, 503, 504]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function headerValue(headers: Record<string, string>, name: string): string | null {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1] ?? null;
}

async function postBatch<T>(graph: Client, pending: Array<Pending<T>>): Promise<Map<string, BatchSubResponse>> {
  const requests = pending.map(({ item: { request } }, index) => ({
    id: String(index + 1),
    method: request.method,
    url: request.url,
    headers: {
      Prefer: PREFER_IMMUTABLE_IDS,
      ...(request.body === undefined ? {} : { "Content-Type": "application/json" }),
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  }));
  // The envelope may be sent again as a whole (reset, 5xx): every request in it is idempotent.
  const answer = (await graph
    .api("/$batch")
    .middlewareOptions([new GraphRequestPolicy({ idempotent: true })])
    .post({ requests })) as { responses?: Array<BatchSubResponse & { id: string }> } | undefined;
  return new Map(
    (answer?.responses ?? []).map(({ id, status, headers, body }) => [id, { status, headers: headers ?? {}, body }]),
  );
}

/**
 * Sends requests through JSON `$batch`, at most 20 per batch and one batch at a time, until each has a final answer.
 *
 * One batch at a time is the mailbox's whole concurrency budget: Outlook runs up to 4 requests of a batch in
 * parallel and counts each against the mailbox's limit of 4 concurrent requests, so a second batch in flight would
 * be throttled (429 ApplicationThrottled), not faster.
 *
 * The SDK does not retry sub-requests, so this does: 429, 503 and 504 hold the whole mailbox off until the longest
 * Retry-After among them is over (Outlook throttles again whatever comes earlier); 500, 502 and those without a
 * Retry-After back off exponentially with full jitter, request by request. Retried requests go first.
 *
 * `onAnswered` receives the final answers of each batch before the next one is sent (so the caller records them, e.g.
 * persists the ids of created events) and may return follow-up requests, queued behind the others.
 */
export async function sendInBatches<T>(
  graph: Client,
  items: Array<BatchItem<T>>,
  onAnswered: (answered: Array<AnsweredRequest<T>>) => Promise<Array<BatchItem<T>>>,
  retry: Partial<BatchRetrySettings> = {},
): Promise<BatchStats> {
  const settings = { ...DEFAULT_BATCH_RETRY, ...retry };
  const stats: BatchStats = { subRequests: 0, throttled: 0 };
  const enqueue = (item: BatchItem<T>): Pending<T> => ({ item, failures: 0, throttles: 0, notBefore: 0 });
  let queue = items.map(enqueue);
  let mailboxFreeAt = 0;

  while (queue.length > 0) {
    const readyAt = queue.reduce((earliest, { notBefore }) => Math.min(earliest, notBefore), Infinity);
    const sendAt = Math.max(mailboxFreeAt, readyAt);
    if (sendAt > Date.now()) await sleep(Math.ceil(sendAt - Date.now()));
    // Timers may fire a little before the wall clock says: whatever we waited for is due.
    const now = Math.max(Date.now(), sendAt);
    const batch: Array<Pending<T>> = [];
    const waiting: Array<Pending<T>> = [];
    for (const pending of queue)
      (batch.length < MAX_BATCH_REQUESTS && pending.notBefore <= now ? batch : waiting).push(pending);

    const responses = await postBatch(graph, batch);
    stats.subRequests += batch.length;

    const answered: Array<AnsweredRequest<T>> = [];
    const again: Array<Pending<T>> = [];
    let longestRetryAfter = 0;
    for (const [index, pending] of batch.entries()) {
      // A batch answer missing one of its requests says nothing about it: as retryable as a 500.
      const response = responses.get(String(index + 1)) ?? {
        status: 500,
        headers: {},
        body: { error: { code: "MissingBatchResponse", message: "No answer to this request in the batch." } },
      };
      if (!TRANSIENT.has(response.status)) {
        answered.push({ tag: pending.item.tag, response, retriesExhausted: false });
        continue;
      }
      const throttled = response.status === 429;
      if (throttled) {
        stats.throttled++;
        pending.throttles++;
      } else {
        pending.failures++;
      }
      const retryAfter = HOLD_OFF.has(response.status)
        ? parseRetryAfter(headerValue(response.headers, "Retry-After"))
        : undefined;
      const exhausted =
        (throttled ? pending.throttles >= settings.maxThrottledAttempts : pending.failures >= settings.maxAttempts) ||
        (retryAfter !== undefined && retryAfter > settings.maxRetryAfterMs);
      if (exhausted) {
        answered.push({ tag: pending.item.tag, response, retriesExhausted: true });
        continue;
      }
      if (retryAfter !== undefined) {
        longestRetryAfter = Math.max(longestRetryAfter, retryAfter);
        pending.notBefore = 0;
      } else {
        const attempt = throttled ? pending.throttles : pending.failures;
        pending.notBefore =
          Date.now() + Math.random() * Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
      }
      again.push(pending);
    }
    if (longestRetryAfter > 0) mailboxFreeAt = Date.now() + longestRetryAfter;
    queue = [...again, ...waiting];
    if (answered.length > 0) queue.push(...(await onAnswered(answered)).map(enqueue));
  }
  return stats;
}
