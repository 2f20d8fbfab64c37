import type { FaultInjector } from "../faults";
import type { SubscriptionOptions } from "../options";
import type { GraphOutputs } from "../outputs";

export interface DeliveryRecord {
  at: string;
  url: string;
  kind: "change" | "lifecycle";
  count: number;
  attempt: number;
  status: number | undefined;
  error: string | undefined;
  durationMs: number;
  outcome: "delivered" | "retrying" | "dropped" | "delayed";
}

interface Notification {
  subscriptionId: string;
  payload: Record<string, unknown>;
}

interface Delivery {
  url: string;
  kind: "change" | "lifecycle";
  notifications: Notification[];
  attempt: number;
  firstAttemptAt: number;
}

interface EndpointHealth {
  total: number;
  slow: number;
  since: number;
}

/**
 * Posts notifications the way Graph does: batched per URL, a 2xx expected within 3 s, redelivered with
 * exponential backoff for a bounded time when the endpoint fails or is too slow, and the slow-endpoint
 * policy (≥10 % slow responses delays, ≥15 % drops). Drops are reported so the service can send `missed`.
 */
export class Notifier {
  readonly #pending = new Map<string, { kind: Delivery["kind"]; notifications: Notification[] }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #health = new Map<string, EndpointHealth>();
  readonly #log: DeliveryRecord[] = [];
  #closed = false;

  constructor(
    private readonly options: () => SubscriptionOptions,
    private readonly faults: FaultInjector,
    private readonly onDropped: (subscriptionIds: string[]) => void,
    private readonly outputs: GraphOutputs,
  ) {}

  #later(ms: number, action: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Queues a change notification; fault injection may drop, delay or duplicate it. */
  notify(url: string, notification: Notification): void {
    if (this.faults.dropsNotification()) {
      this.#record({
        url,
        kind: "change",
        count: 1,
        attempt: 0,
        status: undefined,
        error: "dropped by fault injection",
        durationMs: 0,
        outcome: "dropped",
      });
      return;
    }
    const copies = this.faults.duplicatesNotification() ? 2 : 1;
    const delay = this.faults.notificationDelayMs;
    for (let i = 0; i < copies; i++) {
      if (delay > 0) this.#later(delay, () => this.#enqueue(url, "change", notification));
      else this.#enqueue(url, "change", notification);
    }
  }

  notifyLifecycle(url: string, notification: Notification): void {
    this.#enqueue(url, "lifecycle", notification);
  }

  #enqueue(url: string, kind: Delivery["kind"], notification: Notification): void {
    const key = `${kind} ${url}`;
    const pending = this.#pending.get(key);
    if (pending) {
      pending.notifications.push(notification);
      return;
    }
    this.#pending.set(key, { kind, notifications: [notification] });
    this.#later(this.options().batchWindowMs, () => {
      const batch = this.#pending.get(key);
      this.#pending.delete(key);
      if (batch)
        void this.#attempt({ url, kind, notifications: batch.notifications, attempt: 1, firstAttemptAt: Date.now() });
    });
  }

  #healthOf(url: string): EndpointHealth {
    const options = this.options();
    let health = this.#health.get(url);
    if (!health || Date.now() - health.since > options.slowCountersResetMs) {
      health = { total: 0, slow: 0, since: Date.now() };
      this.#health.set(url, health);
    }
    return health;
  }

  /** Slow-endpoint policy, judged over the current 10-minute period once enough deliveries were seen. */
  #policy(url: string): "send" | "delay" | "drop" {
    const options = this.options();
    const health = this.#healthOf(url);
    if (health.total < options.slowWindowSize) return "send";
    const ratio = health.slow / health.total;
    if (ratio >= options.slowDropRatio) return "drop";
    if (ratio >= options.slowDelayRatio) return "delay";
    return "send";
  }

  async #attempt(delivery: Delivery): Promise<void> {
    if (this.#closed) return;
    const options = this.options();
    const policy = delivery.kind === "change" ? this.#policy(delivery.url) : "send";
    const base = {
      url: delivery.url,
      kind: delivery.kind,
      count: delivery.notifications.length,
      attempt: delivery.attempt,
    };
    if (policy === "drop") {
      this.#record({ ...base, status: undefined, error: "endpoint too slow", durationMs: 0, outcome: "dropped" });
      this.onDropped(delivery.notifications.map((n) => n.subscriptionId));
      return;
    }
    if (policy === "delay" && delivery.attempt === 1) {
      this.#record({ ...base, status: undefined, error: "endpoint too slow", durationMs: 0, outcome: "delayed" });
      this.#later(options.slowDelayMs, () => void this.#attempt({ ...delivery, attempt: 2 }));
      return;
    }
    const started = performance.now();
    let status: number | undefined;
    let error: string | undefined;
    const body = JSON.stringify({ value: delivery.notifications.map((n) => n.payload) });
    this.outputs.emit({ kind: "notification", url: delivery.url, body });
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(options.deliveryTimeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (failure) {
      error =
        failure instanceof Error
          ? failure.name === "TimeoutError"
            ? "no response within the delivery timeout"
            : failure.message
          : String(failure);
    }
    const durationMs = Math.round(performance.now() - started);
    if (delivery.kind === "change") {
      const health = this.#healthOf(delivery.url);
      health.total++;
      if (durationMs > options.slowResponseMs || error !== undefined) health.slow++;
    }
    if (status !== undefined && status >= 200 && status < 300) {
      this.#record({ ...base, status, error, durationMs, outcome: "delivered" });
      return;
    }
    const delay = Math.min(options.retryBaseMs * 2 ** (delivery.attempt - 1), options.retryMaxDelayMs);
    if (Date.now() + delay - delivery.firstAttemptAt > options.retryWindowMs) {
      this.#record({ ...base, status, error, durationMs, outcome: "dropped" });
      if (delivery.kind === "change") this.onDropped(delivery.notifications.map((n) => n.subscriptionId));
      return;
    }
    this.#record({ ...base, status, error, durationMs, outcome: "retrying" });
    this.#later(delay, () => void this.#attempt({ ...delivery, attempt: delivery.attempt + 1 }));
  }

  #record(entry: Omit<DeliveryRecord, "at">): void {
    this.#log.push({ at: new Date().toISOString(), ...entry });
    if (this.#log.length > 1000) this.#log.splice(0, this.#log.length - 1000);
  }

  deliveries(): DeliveryRecord[] {
    return [...this.#log];
  }

  reset(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#pending.clear();
    this.#health.clear();
    this.#log.length = 0;
  }

  close(): void {
    this.reset();
    this.#closed = true;
  }
}
