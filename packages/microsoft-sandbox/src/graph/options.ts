import { z } from "zod";

/**
 * Where Microsoft's sources disagree or stay silent, the default is the stricter reading and the
 * alternative stays one option away (see the README's "departures" list).
 */
export const throttlingOptionsSchema = z.object({
  enabled: z.boolean().default(true),
  /** Outlook: 10,000 requests per 10 minutes per app id and mailbox. */
  requestsPerWindow: z.number().int().positive().default(10_000),
  windowSeconds: z.number().positive().default(600),
  /** Outlook: 4 concurrent requests. */
  maxConcurrent: z.number().int().positive().default(4),
  /** Documentation revisions disagree on the scope of the concurrency limit; per app and mailbox is the default. */
  concurrencyScope: z.enum(["app-mailbox", "app"]).default("app-mailbox"),
  concurrencyRetryAfterSeconds: z.number().positive().default(1),
});

export const subscriptionOptionsSchema = z.object({
  /** 10,080 minutes per recent sources, 4,230 in the older docs snapshot. */
  maxLifetimeMinutes: z.number().positive().default(10_080),
  validationTimeoutMs: z.number().int().positive().default(10_000),
  /** Graph wants a 2xx within 3 s, otherwise the delivery counts as failed and is retried. */
  deliveryTimeoutMs: z.number().int().positive().default(3_000),
  slowResponseMs: z.number().int().positive().default(2_900),
  /** Slow-endpoint policy: over `slowWindowSize` deliveries, ≥10 % slow delays, ≥15 % drops; counters reset every 10 min. */
  slowWindowSize: z.number().int().positive().default(100),
  slowDelayRatio: z.number().min(0).max(1).default(0.1),
  slowDropRatio: z.number().min(0).max(1).default(0.15),
  slowDelayMs: z.number().int().nonnegative().default(600_000),
  slowCountersResetMs: z.number().int().positive().default(600_000),
  /** Redelivery backoff: first retry after `retryBaseMs`, doubling, for at most `retryWindowMs` (Graph: up to 4 hours). */
  retryBaseMs: z.number().int().positive().default(5_000),
  retryMaxDelayMs: z.number().int().positive().default(600_000),
  retryWindowMs: z
    .number()
    .int()
    .positive()
    .default(4 * 3_600_000),
  /** Notifications raised within this window for the same URL go out in one POST, as Graph batches them. */
  batchWindowMs: z.number().int().nonnegative().default(50),
  /** reauthorizationRequired goes out once the subscription is this close to expiry, at most every `reauthorizationEveryMs`. */
  reauthorizationLeadMs: z.number().int().positive().default(3_600_000),
  reauthorizationEveryMs: z.number().int().positive().default(900_000),
  lifecycleCheckIntervalMs: z.number().int().positive().default(60_000),
  maxPerMailbox: z.number().int().positive().default(1_000),
  /** Departure: plain http is accepted for loopback notification URLs (tests, local demo). */
  allowHttpLoopback: z.boolean().default(true),
});

export const faultOptionsSchema = z.object({
  seed: z.number().int().default(1),
  /** Share of requests (and of batch sub-requests) failed with one of `errorStatuses`. */
  errorRate: z.number().min(0).max(1).default(0),
  errorStatuses: z
    .array(z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]))
    .min(1)
    .default([429, 500, 502, 503, 504]),
  /** Retry-After on injected 429/503 (Dev Proxy's default is 5 s). */
  retryAfterSeconds: z.number().positive().default(5),
  latencyMinMs: z.number().int().nonnegative().default(0),
  latencyMaxMs: z.number().int().nonnegative().default(0),
  /** Share of event creations whose response is lost: the event exists, the client sees the connection reset. */
  lostCreateRate: z.number().min(0).max(1).default(0),
  /** Share of delta requests carrying a token that get 410 as if the sync state had been evicted. */
  deltaTokenExpiryRate: z.number().min(0).max(1).default(0),
  /** Share of delta entries sent twice. */
  deltaReplayRate: z.number().min(0).max(1).default(0),
  notificationDropRate: z.number().min(0).max(1).default(0),
  notificationDuplicateRate: z.number().min(0).max(1).default(0),
  notificationDelayMs: z.number().int().nonnegative().default(0),
  /** The next `count` requests whose token was issued before `issuedBefore` (epoch seconds) get 401, as if it expired. */
  rejectTokens: z.object({ issuedBefore: z.number(), count: z.number().int().nonnegative() }).nullable().default(null),
  /** Scripted failures: the next `count` requests matching method/path get `status`. */
  scripted: z
    .array(
      z.object({
        method: z.string().optional(),
        /** Substring of the Graph path (without /v1.0), e.g. "/me/events". */
        pathContains: z.string().optional(),
        status: z.number().int().min(400).max(599),
        count: z.number().int().positive(),
      }),
    )
    .default([]),
});

export const graphOptionsSchema = z.object({
  /** Page size of lists (events, calendars, calendarView) when the client asks for none. */
  defaultPageSize: z.number().int().positive().default(10),
  maxPageSize: z.number().int().positive().default(999),
  deltaDefaultPageSize: z.number().int().positive().default(10),
  /** Server cap on `Prefer: odata.maxpagesize` for delta; undocumented by Microsoft, deliberately low. */
  deltaMaxPageSize: z.number().int().positive().default(200),
  /** Code of the 410 body for an expired delta token: PascalCase as observed on the wire by default. */
  deltaExpiredCode: z
    .enum(["SyncStateNotFound", "syncStateNotFound", "resyncRequired", "fullSyncRequired"])
    .default("SyncStateNotFound"),
  /** Delta tokens older than this get 410; null keeps them until the change log forgets them. */
  deltaTokenLifetimeSeconds: z.number().positive().nullable().default(null),
  /** Changes remembered per mailbox for delta; older tokens get 410 (Microsoft: "size of the internal delta token cache"). */
  changeLogRetention: z.number().int().positive().default(200_000),
  /** How long a transactionId is remembered for deduplication; null = as long as the event exists. */
  transactionIdRetentionSeconds: z.number().positive().nullable().default(null),
  /** Outlook's inner code on an If-Match mismatch is undocumented; community emulators use ErrorIrresolvableConflict. */
  preconditionFailedCode: z.string().default("ErrorIrresolvableConflict"),
  /** Enforce delegated scopes (User.Read for /me, Calendars.* for events, MailboxSettings.Read for settings). */
  enforceScopes: z.boolean().default(true),
  requestLogSize: z.number().int().positive().default(5_000),
  batchMaxRequests: z.number().int().positive().default(20),
  batchParallelism: z.number().int().positive().default(4),
  throttling: throttlingOptionsSchema.default(throttlingOptionsSchema.parse({})),
  subscriptions: subscriptionOptionsSchema.default(subscriptionOptionsSchema.parse({})),
  faults: faultOptionsSchema.default(faultOptionsSchema.parse({})),
});

export type GraphOptions = z.infer<typeof graphOptionsSchema>;
export type ThrottlingOptions = z.infer<typeof throttlingOptionsSchema>;
export type SubscriptionOptions = z.infer<typeof subscriptionOptionsSchema>;
export type FaultOptions = z.infer<typeof faultOptionsSchema>;

/** Options given partially, nested groups included (`{ throttling: { maxConcurrent: 2 } }`). */
export type GraphOptionsInput = Partial<Omit<GraphOptions, "throttling" | "subscriptions" | "faults">> & {
  throttling?: Partial<ThrottlingOptions>;
  subscriptions?: Partial<SubscriptionOptions>;
  faults?: Partial<FaultOptions>;
};

export function resolveGraphOptions(input: GraphOptionsInput = {}): GraphOptions {
  return graphOptionsSchema.parse({
    ...input,
    throttling: throttlingOptionsSchema.parse(input.throttling ?? {}),
    subscriptions: subscriptionOptionsSchema.parse(input.subscriptions ?? {}),
    faults: faultOptionsSchema.parse(input.faults ?? {}),
  });
}

/** Applies a run-time change on top of the current options, validating the result as a whole. */
export function mergeGraphOptions(current: GraphOptions, change: GraphOptionsInput): GraphOptions {
  return resolveGraphOptions({
    ...current,
    ...change,
    throttling: { ...current.throttling, ...change.throttling },
    subscriptions: { ...current.subscriptions, ...change.subscriptions },
    faults: { ...current.faults, ...change.faults },
  });
}
