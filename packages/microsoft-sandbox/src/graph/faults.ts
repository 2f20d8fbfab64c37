import { GraphError } from "./errors";
import { faultOptionsSchema, type FaultOptions } from "./options";
import { formatRetryAfter, tooManyRequests } from "./throttling";

/** mulberry32: small, fast, and the same sequence for the same seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function injectedError(status: number, retryAfterSeconds: number): GraphError {
  switch (status) {
    case 429:
      return tooManyRequests(retryAfterSeconds);
    case 401:
      return new GraphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
    case 403:
      return new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    case 404:
      return new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    case 502:
      return new GraphError(502, "BadGateway", "Bad Gateway");
    case 503:
      return new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later.", {
        "Retry-After": formatRetryAfter(retryAfterSeconds),
      });
    case 504:
      return new GraphError(504, "GatewayTimeout", "Gateway Timeout");
    default:
      return new GraphError(status, status >= 500 ? "generalException" : "invalidRequest", "Injected failure.");
  }
}

/**
 * Every injected fault draws from one seeded generator, so a sequential client sees the same faults on
 * every run with the same seed. Counted faults (scripted failures, rejected tokens) are consumed here.
 */
export class FaultInjector {
  #config: FaultOptions;
  #random: () => number;

  constructor(config: FaultOptions) {
    this.#config = config;
    this.#random = seededRandom(config.seed);
  }

  get config(): FaultOptions {
    return this.#config;
  }

  /** Replaces the configuration; a new seed restarts the sequence. */
  configure(change: Partial<FaultOptions>): FaultOptions {
    const next = faultOptionsSchema.parse({ ...this.#config, ...change });
    if (change.seed !== undefined) this.#random = seededRandom(next.seed);
    this.#config = next;
    return next;
  }

  #chance(rate: number): boolean {
    return rate > 0 && this.#random() < rate;
  }

  latencyMs(): number {
    const { latencyMinMs, latencyMaxMs } = this.#config;
    if (latencyMaxMs <= 0) return 0;
    return Math.round(latencyMinMs + this.#random() * Math.max(0, latencyMaxMs - latencyMinMs));
  }

  /** A scripted or random failure for this request, if one is due. */
  failure(method: string, path: string): GraphError | undefined {
    const scripted = this.#config.scripted.find(
      (rule) =>
        (rule.method === undefined || rule.method.toUpperCase() === method) &&
        (rule.pathContains === undefined || path.includes(rule.pathContains)),
    );
    if (scripted) {
      scripted.count--;
      if (scripted.count <= 0) this.#config.scripted = this.#config.scripted.filter((rule) => rule !== scripted);
      return injectedError(scripted.status, this.#config.retryAfterSeconds);
    }
    if (!this.#chance(this.#config.errorRate)) return undefined;
    const statuses = this.#config.errorStatuses;
    const status = statuses[Math.floor(this.#random() * statuses.length)] ?? 500;
    return injectedError(status, this.#config.retryAfterSeconds);
  }

  /** Whether a token issued at `issuedAt` (epoch s) is to be refused now, consuming one of the counted refusals. */
  rejectsToken(issuedAt: number): boolean {
    const rule = this.#config.rejectTokens;
    if (!rule || rule.count <= 0 || issuedAt >= rule.issuedBefore) return false;
    rule.count--;
    if (rule.count === 0) this.#config.rejectTokens = null;
    return true;
  }

  losesCreateResponse(): boolean {
    return this.#chance(this.#config.lostCreateRate);
  }

  expiresDeltaToken(): boolean {
    return this.#chance(this.#config.deltaTokenExpiryRate);
  }

  replaysDeltaEntry(): boolean {
    return this.#chance(this.#config.deltaReplayRate);
  }

  dropsNotification(): boolean {
    return this.#chance(this.#config.notificationDropRate);
  }

  duplicatesNotification(): boolean {
    return this.#chance(this.#config.notificationDuplicateRate);
  }

  get notificationDelayMs(): number {
    return this.#config.notificationDelayMs;
  }
}
