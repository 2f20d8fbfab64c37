/**
 * Keeps one mailbox's Graph traffic within Outlook's documented limits: at most `maxConcurrent` requests at a time
 * (4) and `requestsPerWindow` (10,000) per sliding `windowMs` (10 minutes), per app and mailbox.
 */
export class MailboxLimiter {
  readonly #waiting: Array<() => void> = [];
  readonly #startedAt: number[] = [];
  #inFlight = 0;
  #peakInFlight = 0;

  constructor(
    readonly limits: { maxConcurrent: number; requestsPerWindow: number; windowMs: number } = {
      maxConcurrent: 4,
      requestsPerWindow: 10_000,
      windowMs: 600_000,
    },
  ) {}

  /** The most requests this limiter ever let run at once. */
  get peakInFlight(): number {
    return this.#peakInFlight;
  }

  /** Waits for a slot and for room in the window; the returned function gives the slot back. */
  async acquire(): Promise<() => void> {
    if (this.#inFlight >= this.limits.maxConcurrent) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#inFlight++;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
    await this.#roomInWindow();
    this.#startedAt.push(Date.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
      this.#waiting.shift()?.();
    };
  }

  async #roomInWindow(): Promise<void> {
    for (;;) {
      const windowStart = Date.now() - this.limits.windowMs;
      while (this.#startedAt.length && (this.#startedAt[0] ?? 0) <= windowStart) this.#startedAt.shift();
      if (this.#startedAt.length < this.limits.requestsPerWindow) return;
      await new Promise((resolve) => setTimeout(resolve, (this.#startedAt[0] ?? 0) - windowStart + 1));
    }
  }
}

/** One limiter per mailbox, shared by everything in this process that calls Graph for it. */
export class MailboxLimiters {
  readonly #byMailbox = new Map<string, MailboxLimiter>();

  constructor(readonly limits?: ConstructorParameters<typeof MailboxLimiter>[0]) {}

  for(mailbox: string): MailboxLimiter {
    let limiter = this.#byMailbox.get(mailbox);
    if (!limiter) {
      limiter = new MailboxLimiter(this.limits);
      this.#byMailbox.set(mailbox, limiter);
    }
    return limiter;
  }
}
