import type { Database } from "@agenda/db/client";
import { recordAudit } from "@agenda/domain/audit";
import type { Logger } from "@agenda/observability/logger";
import { recordWebhookItemRejected } from "@agenda/observability/metrics";
import type { WebhookKind } from "./webhooks";

export type RejectionReason = "unknown_subscription" | "client_state_mismatch";

export interface RejectedItem {
  subscriptionId: string;
  reason: RejectionReason;
}

/** Each reason gets at most an audit row and a log line a minute. */
const REPORT_PERIOD_MS = 60_000;
/** Subscription ids a report names as examples of what it counts. */
const SAMPLE_SIZE = 5;

interface Pending {
  count: number;
  since: Date;
  subscriptionIds: Set<string>;
}

/**
 * The items a process rejects on its webhooks. Anyone may post there, so a flood of forged items must cost counters,
 * not a row each: every item is counted in the metrics, and each reason is reported (an audit row and a warn line) at
 * most once a minute, with how many were rejected since its last report and a few of their subscription ids. A
 * reason quiet for a minute is reported at once; the items rejected after that wait for the end of the minute.
 */
export class WebhookRejections {
  readonly #pending = new Map<RejectionReason, Pending>();
  readonly #reportedAt = new Map<RejectionReason, number>();
  readonly #timers = new Map<RejectionReason, NodeJS.Timeout>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly reportPeriodMs = REPORT_PERIOD_MS,
  ) {}

  async record(kind: WebhookKind, items: RejectedItem[]): Promise<void> {
    for (const { subscriptionId, reason } of items) {
      recordWebhookItemRejected(kind, reason);
      const pending = this.#pending.get(reason) ?? { count: 0, since: new Date(), subscriptionIds: new Set<string>() };
      pending.count++;
      if (pending.subscriptionIds.size < SAMPLE_SIZE) pending.subscriptionIds.add(subscriptionId);
      this.#pending.set(reason, pending);
    }
    for (const reason of new Set(items.map((item) => item.reason))) {
      const dueAt = (this.#reportedAt.get(reason) ?? Number.NEGATIVE_INFINITY) + this.reportPeriodMs;
      if (Date.now() >= dueAt) await this.#report(reason);
      else if (!this.#timers.has(reason))
        this.#timers.set(reason, setTimeout(() => this.#reportLater(reason), dueAt - Date.now()).unref());
    }
  }

  /** Reports what is still pending, as the process stops. */
  async stop(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((reason) => this.#report(reason)));
  }

  #reportLater(reason: RejectionReason): void {
    this.#report(reason).catch((error: unknown) =>
      this.logger.error({ err: error, reason }, "Outlook webhook rejections not audited"),
    );
  }

  async #report(reason: RejectionReason): Promise<void> {
    clearTimeout(this.#timers.get(reason));
    this.#timers.delete(reason);
    const pending = this.#pending.get(reason);
    if (!pending) return;
    // Taken before the write: the requests arriving meanwhile count towards the next report, not a second one now.
    this.#pending.delete(reason);
    this.#reportedAt.set(reason, Date.now());
    const detail = {
      reason,
      count: pending.count,
      since: pending.since.toISOString(),
      subscriptionIds: [...pending.subscriptionIds],
    };
    this.logger.warn(detail, "Outlook webhook items rejected");
    await recordAudit(this.db, { action: "outlook.notification_rejected", outcome: "failure", detail });
  }
}
