import { GraphError } from "./errors";
import type { ThrottlingOptions } from "./options";

/** Retry-After in seconds as Graph writes it: an integer or a decimal ("2.128"). */
export function formatRetryAfter(seconds: number): string {
  return String(Math.max(0.001, Math.round(seconds * 1000) / 1000));
}

export function tooManyRequests(retryAfterSeconds: number): GraphError {
  return new GraphError(
    429,
    "TooManyRequests",
    "Please retry again later.",
    { "Retry-After": formatRetryAfter(retryAfterSeconds) },
    { code: "429", message: "Please retry after", status: "429" },
  );
}

export function mailboxConcurrency(retryAfterSeconds: number): GraphError {
  return new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {
    "Retry-After": formatRetryAfter(retryAfterSeconds),
  });
}

/** Request times of one app and mailbox within the sliding window. */
class SlidingWindow {
  #times: number[] = [];
  #head = 0;

  record(now: number, windowMs: number): void {
    this.#times.push(now);
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) <= now - windowMs) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  get count(): number {
    return this.#times.length - this.#head;
  }

  /** When the window will again hold fewer than `limit` requests. */
  freeAt(limit: number, windowMs: number): number {
    const index = this.#head + Math.max(0, this.count - limit);
    return (this.#times[index] as number) + windowMs;
  }
}

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; error: GraphError; reason: "rate" | "concurrency" | "retried-too-early" };

/**
 * Outlook's limits: requests per window per app and mailbox (every request counts, throttled ones too, as
 * Microsoft says), a cap on concurrent requests, and a penalty for clients that retry before Retry-After.
 */
export class Throttle {
  readonly #windows = new Map<string, SlidingWindow>();
  readonly #inFlight = new Map<string, number>();
  /** Until when a key is held off, and by which limit (a too-early retry gets the same answer again). */
  readonly #retryNotBefore = new Map<string, { until: number; kind: "rate" | "concurrency" }>();

  constructor(private readonly options: () => ThrottlingOptions) {}

  admit(appId: string, mailboxId: string, now = Date.now()): Admission {
    const options = this.options();
    if (!options.enabled) return { admitted: true, release: () => {} };
    const rateKey = `${appId}\n${mailboxId}`;
    const concurrencyKey = options.concurrencyScope === "app" ? appId : rateKey;
    const windowMs = options.windowSeconds * 1000;
    let window = this.#windows.get(rateKey);
    if (!window) {
      window = new SlidingWindow();
      this.#windows.set(rateKey, window);
    }
    window.record(now, windowMs);

    for (const key of [rateKey, concurrencyKey]) {
      const holdOff = this.#retryNotBefore.get(key);
      if (holdOff && now < holdOff.until) {
        const seconds = (holdOff.until - now) / 1000;
        return {
          admitted: false,
          error: holdOff.kind === "rate" ? tooManyRequests(seconds) : mailboxConcurrency(seconds),
          reason: "retried-too-early",
        };
      }
    }

    if (window.count > options.requestsPerWindow) {
      const freeAt = window.freeAt(options.requestsPerWindow, windowMs);
      this.#retryNotBefore.set(rateKey, { until: freeAt, kind: "rate" });
      return { admitted: false, error: tooManyRequests((freeAt - now) / 1000), reason: "rate" };
    }

    const inFlight = this.#inFlight.get(concurrencyKey) ?? 0;
    if (inFlight >= options.maxConcurrent) {
      this.#retryNotBefore.set(concurrencyKey, {
        until: now + options.concurrencyRetryAfterSeconds * 1000,
        kind: "concurrency",
      });
      return {
        admitted: false,
        error: mailboxConcurrency(options.concurrencyRetryAfterSeconds),
        reason: "concurrency",
      };
    }
    this.#inFlight.set(concurrencyKey, inFlight + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        const remaining = (this.#inFlight.get(concurrencyKey) ?? 1) - 1;
        if (remaining <= 0) this.#inFlight.delete(concurrencyKey);
        else this.#inFlight.set(concurrencyKey, remaining);
      },
    };
  }

  /** An injected 429 binds the client too: retrying before its Retry-After is throttled again. */
  holdOff(appId: string, mailboxId: string, retryAfterSeconds: number, now = Date.now()): void {
    this.#retryNotBefore.set(`${appId}\n${mailboxId}`, { until: now + retryAfterSeconds * 1000, kind: "rate" });
  }

  reset(): void {
    this.#windows.clear();
    this.#retryNotBefore.clear();
  }
}
