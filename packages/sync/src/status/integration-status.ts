import type { Database, DatabaseOrTransaction } from "@agenda/db/client";
import {
  calendarIntegrations,
  graphSubscriptions,
  syncConflicts,
  syncRuns,
  type LastSyncResult,
} from "@agenda/db/schema";
import { isUserActive } from "@agenda/domain/users";
import { and, count, desc, eq, gt, isNull, sql, sum } from "drizzle-orm";

/** Postgres channel on which any process says "this user's integration status may have changed" (payload: user id). */
export const INTEGRATION_STATUS_CHANNEL = "agenda_integration_status";

/** What the user sees of their Outlook connection at a glance, live. */
export interface IntegrationStatus {
  state: "not_connected" | "idle" | "syncing" | "error" | "needs_reauth";
  integrationId: string | null;
  accountEmail: string | null;
  /**
   * Why the integration needs the user (needs_reauth), what failed (error), or, not connected, the reason an
   * administrator gave when they disconnected it for the user.
   */
  reason: string | null;
  lastSyncAt: string | null;
  lastSyncResult: LastSyncResult | null;
  /** How changes made in Outlook reach the platform; null when nothing syncs on its own. */
  mode: "notifications" | "polling" | null;
  unreviewedConflicts: number;
  /** The integration's latest import: while it runs, how far it has gone, page by page; then how it ended. */
  importRun: ImportRunProgress | null;
}

/** An import run as the user follows it: its pages and counts so far, and its error code when it failed. */
export interface ImportRunProgress {
  id: string;
  status: "running" | "succeeded" | "failed";
  pages: number;
  created: number;
  updated: number;
  deleted: number;
  error: string | null;
}

/**
 * The user's integration status now. A run counts as syncing only while its process still holds the integration's
 * lock (see `withIntegrationLock`): a run left `running` by a killed worker does not show as syncing forever.
 */
export async function readIntegrationStatus(db: DatabaseOrTransaction, userId: string): Promise<IntegrationStatus> {
  const [conflicts] = await db
    .select({ count: count() })
    .from(syncConflicts)
    .where(and(eq(syncConflicts.ownerId, userId), isNull(syncConflicts.reviewedAt)));
  const unreviewedConflicts = conflicts?.count ?? 0;
  const [row] = await db
    .select()
    .from(calendarIntegrations)
    .where(and(eq(calendarIntegrations.userId, userId), eq(calendarIntegrations.provider, "outlook")));
  if (!row || row.status === "disconnected") {
    return {
      state: "not_connected",
      integrationId: null,
      accountEmail: null,
      reason: row?.statusReason ?? null,
      lastSyncAt: null,
      lastSyncResult: null,
      mode: null,
      unreviewedConflicts,
      importRun: null,
    };
  }
  const [activity] = await db.execute<{ syncing: boolean; subscribed: boolean }>(sql`select
    exists (
      select 1 from ${syncRuns}
      where ${syncRuns.integrationId} = ${row.id} and ${syncRuns.status} = 'running'
        and exists (
          select 1 from pg_locks l
          where l.locktype = 'advisory' and l.granted and l.objsubid = 1
            and l.database = (select oid from pg_database where datname = current_database())
            and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(${row.id}, 0)
        )
    ) as syncing,
    exists (select 1 from ${graphSubscriptions} where ${graphSubscriptions.integrationId} = ${row.id} and ${gt(graphSubscriptions.expiresAt, sql`now()`)}) as subscribed`);
  const [importRun] = await db
    .select({
      id: syncRuns.id,
      status: syncRuns.status,
      pages: syncRuns.pages,
      created: syncRuns.created,
      updated: syncRuns.updated,
      deleted: syncRuns.deleted,
      error: syncRuns.error,
    })
    .from(syncRuns)
    .where(and(eq(syncRuns.integrationId, row.id), eq(syncRuns.kind, "import")))
    .orderBy(desc(syncRuns.startedAt))
    .limit(1);
  const syncing = activity?.syncing ?? false;
  const subscribed = activity?.subscribed ?? false;
  const failed = row.status === "error" || row.lastSyncResult?.ok === false;
  const state: IntegrationStatus["state"] =
    row.status === "needs_reauth" ? "needs_reauth" : syncing ? "syncing" : failed ? "error" : "idle";
  const reason =
    state === "needs_reauth"
      ? row.statusReason
      : state === "error"
        ? (row.statusReason ?? row.lastSyncResult?.error ?? null)
        : null;
  const autoSyncs = row.importEnabled && row.autoSyncEnabled;
  return {
    state,
    integrationId: row.id,
    accountEmail: row.accountEmail,
    reason,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    lastSyncResult: row.lastSyncResult,
    mode: autoSyncs ? (subscribed ? "notifications" : "polling") : null,
    unreviewedConflicts,
    importRun: importRun ?? null,
  };
}

/**
 * What sync runs changed in the user's agenda: events created, updated or deleted, and events whose write to Outlook
 * failed (their sync state says so now).
 */
export interface EventChanges {
  created: number;
  updated: number;
  deleted: number;
  failed: number;
}

const EVENT_CHANGE_KEYS = ["created", "updated", "deleted", "failed"] as const;

const NO_EVENT_CHANGES: EventChanges = { created: 0, updated: 0, deleted: 0, failed: 0 };

const changedAny = (changes: EventChanges) => EVENT_CHANGE_KEYS.some((key) => changes[key] > 0);

function eventChanges(count: (key: keyof EventChanges) => number): EventChanges {
  return { created: count("created"), updated: count("updated"), deleted: count("deleted"), failed: count("failed") };
}

const addEventChanges = (into: EventChanges, more: EventChanges) =>
  EVENT_CHANGE_KEYS.forEach((key) => (into[key] += more[key]));

/** A status as `IntegrationStatusFeed` streams it: with what the runs ended since the previous one changed, if anything. */
export type LiveIntegrationStatus = IntegrationStatus & { eventsChanged?: EventChanges };

/**
 * Tells every process's feed that this user's status may have changed, and what a run that just ended changed in
 * their agenda. Inside a transaction Postgres delivers it at commit (and drops it on rollback), so subscribers never
 * read a state that is not there yet.
 */
export async function publishIntegrationStatus(
  db: DatabaseOrTransaction,
  userId: string,
  eventsChanged: EventChanges = NO_EVENT_CHANGES,
): Promise<void> {
  const payload = changedAny(eventsChanged)
    ? [userId, ...EVENT_CHANGE_KEYS.map((key) => eventsChanged[key])].join(" ")
    : userId;
  await db.execute(sql`select pg_notify(${INTEGRATION_STATUS_CHANNEL}, ${payload})`);
}

/** A notification's user, and the changes it carries (`<user id>[ <created> <updated> <deleted> <failed>]`). */
function readNotification(payload: string): { userId: string; eventsChanged: EventChanges | undefined } {
  const [userId = "", ...counts] = payload.split(" ");
  const numbers = counts.map(Number);
  if (numbers.length !== EVENT_CHANGE_KEYS.length || !numbers.every(Number.isSafeInteger))
    return { userId, eventsChanged: undefined };
  return { userId, eventsChanged: eventChanges((key) => numbers[EVENT_CHANGE_KEYS.indexOf(key)] ?? 0) };
}

/**
 * What the runs of the user's Outlook that ended since `since` changed, read back from their records: for the
 * notifications a feed may have missed while its connection was down. Each process stamps its own runs, so `since`
 * reaches a minute further back than asked; counting a run twice costs a reload at most.
 */
async function eventsChangedSince(db: DatabaseOrTransaction, userId: string, since: Date): Promise<EventChanges> {
  // A run keeps no count of its failed writes, but an issue naming the event of each.
  const failed = sql`(select count(*) from jsonb_array_elements(${syncRuns.issues}) as issue where issue->>'eventId' is not null)`;
  const [sums] = await db
    .select({
      created: sum(syncRuns.created),
      updated: sum(syncRuns.updated),
      deleted: sum(syncRuns.deleted),
      failed: sum(failed),
    })
    .from(syncRuns)
    .innerJoin(calendarIntegrations, eq(calendarIntegrations.id, syncRuns.integrationId))
    .where(
      and(eq(calendarIntegrations.userId, userId), gt(syncRuns.finishedAt, new Date(since.getTime() - CLOCK_SLACK_MS))),
    );
  return eventChanges((key) => Number(sums?.[key] ?? 0));
}

const CLOCK_SLACK_MS = 60_000;

/** Wakes one subscriber: with what a run changed, or `MISSED` when notifications may have been lost. */
type Wake = (news?: EventChanges | typeof MISSED) => void;
const MISSED = Symbol("notifications missed");

/**
 * Live integration statuses for the subscribers of this process: one LISTEN connection whatever their number, each
 * notification fanned out to that user's subscribers only.
 */
export class IntegrationStatusFeed {
  readonly #subscribers = new Map<string, Set<Wake>>();
  #listening: Promise<{ unlisten(): Promise<void> }> | undefined;

  constructor(private readonly db: Database) {}

  /** Listens from now on; resolves once LISTEN is in place. Idempotent. */
  async start(): Promise<void> {
    if (this.#listening) {
      await this.#listening;
      return;
    }
    let reconnecting = false;
    const listening = this.db.$client.listen(
      INTEGRATION_STATUS_CHANNEL,
      (payload) => {
        const { userId, eventsChanged } = readNotification(payload);
        this.#wake(this.#subscribers.get(userId), eventsChanged);
      },
      // Also runs after the driver re-established a lost connection: whatever was published meanwhile is re-read.
      () => {
        for (const wakes of this.#subscribers.values()) this.#wake(wakes, reconnecting ? MISSED : undefined);
        reconnecting = true;
      },
    );
    this.#listening = listening;
    // A failed LISTEN is tried again by the next subscriber rather than remembered.
    listening.catch(() => {
      if (this.#listening === listening) this.#listening = undefined;
    });
    await listening;
  }

  async stop(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    // At shutdown the database may already be closing: its connection ends the LISTEN as well.
    if (listening) await (await listening).unlisten().catch(() => undefined);
  }

  /**
   * The user's current status, then the status after each change, until `signal` aborts or the user is deactivated
   * (deactivating publishes their status, so open streams end at once). A burst of changes while the consumer is
   * busy is read once, and a status equal to the last one yielded is not yielded again, unless runs changed the
   * user's events meanwhile: then it says how many (`eventsChanged`), summed over the runs ended since the previous
   * status, so a consumer never misses a change to read again however the runs fell between its reads.
   */
  async *statuses(userId: string, signal: AbortSignal): AsyncGenerator<LiveIntegrationStatus, void, undefined> {
    let pending = false;
    let resume: (() => void) | undefined;
    let eventsChanged = { ...NO_EVENT_CHANGES };
    let readAt: Date | undefined;
    let missedSince: Date | undefined;
    const wake: Wake = (news) => {
      pending = true;
      if (news === MISSED) missedSince ??= readAt;
      else if (news) addEventChanges(eventsChanged, news);
      resume?.();
    };
    const onAbort = () => resume?.();
    let wakes = this.#subscribers.get(userId);
    if (!wakes) this.#subscribers.set(userId, (wakes = new Set()));
    wakes.add(wake);
    signal.addEventListener("abort", onAbort);
    try {
      await this.start();
      let last = "";
      while (!signal.aborted) {
        pending = false;
        if (!(await isUserActive(this.db, userId))) return;
        readAt = new Date();
        const status = await readIntegrationStatus(this.db, userId);
        if (missedSince) {
          addEventChanges(eventsChanged, await eventsChangedSince(this.db, userId, missedSince));
          missedSince = undefined;
        }
        const serialized = JSON.stringify(status);
        if ((serialized !== last || changedAny(eventsChanged)) && !signal.aborted) {
          last = serialized;
          const changes = eventsChanged;
          eventsChanged = { ...NO_EVENT_CHANGES };
          yield changedAny(changes) ? { ...status, eventsChanged: changes } : status;
        }
        if (!pending && !signal.aborted) await new Promise<void>((resolve) => (resume = resolve));
        resume = undefined;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      wakes.delete(wake);
      if (wakes.size === 0) this.#subscribers.delete(userId);
    }
  }

  #wake(wakes: Set<Wake> | undefined, news?: EventChanges | typeof MISSED): void {
    for (const wake of wakes ?? []) wake(news);
  }
}
