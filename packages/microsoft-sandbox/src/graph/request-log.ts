export interface RequestLogEntry {
  requestId: string;
  at: string;
  method: string;
  /** Path and query as sent, without the /v1.0 prefix. */
  url: string;
  /** Route template, e.g. "GET /me/events/{id}". */
  endpoint: string;
  status: number;
  durationMs: number;
  mailboxId: string | undefined;
  appId: string | undefined;
  /** request-id of the $batch this request was part of. */
  batchId: string | undefined;
  /** The caller's User-Agent (a $batch's sub-requests carry their envelope's): tells apart the processes of one app. */
  userAgent: string | undefined;
  /** Why the sandbox failed the request on purpose, if it did (fault or throttling). */
  injected: string | undefined;
}

export interface Counter {
  count: number;
  totalMs: number;
  byStatus: Record<string, number>;
}

export interface Counters {
  total: Counter;
  byEndpoint: Record<string, Counter>;
  byMailbox: Record<string, Counter>;
}

const newCounter = (): Counter => ({ count: 0, totalMs: 0, byStatus: {} });

function bump(counter: Counter, entry: RequestLogEntry): void {
  counter.count++;
  counter.totalMs += entry.durationMs;
  counter.byStatus[entry.status] = (counter.byStatus[entry.status] ?? 0) + 1;
}

/** The last requests served (a bounded ring) and counters per endpoint and per mailbox since the last reset. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #next = 0;
  #counters: Counters = { total: newCounter(), byEndpoint: {}, byMailbox: {} };

  constructor(private readonly capacity: () => number) {}

  record(entry: RequestLogEntry): void {
    const capacity = this.capacity();
    if (this.#entries.length < capacity) this.#entries.push(entry);
    else {
      this.#entries[this.#next % capacity] = entry;
    }
    this.#next++;
    bump(this.#counters.total, entry);
    bump((this.#counters.byEndpoint[entry.endpoint] ??= newCounter()), entry);
    if (entry.mailboxId) bump((this.#counters.byMailbox[entry.mailboxId] ??= newCounter()), entry);
  }

  /** Oldest first. */
  entries(filter: { mailboxId?: string | undefined; limit?: number | undefined } = {}): RequestLogEntry[] {
    const capacity = this.#entries.length;
    const ordered =
      this.#next <= capacity
        ? this.#entries
        : [...this.#entries.slice(this.#next % capacity), ...this.#entries.slice(0, this.#next % capacity)];
    const matching = filter.mailboxId ? ordered.filter((entry) => entry.mailboxId === filter.mailboxId) : ordered;
    return filter.limit === undefined ? matching : matching.slice(-filter.limit);
  }

  counters(): Counters {
    return structuredClone(this.#counters);
  }

  clear(): void {
    this.#entries = [];
    this.#next = 0;
    this.#counters = { total: newCounter(), byEndpoint: {}, byMailbox: {} };
  }
}
