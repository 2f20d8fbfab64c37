import type { Database, DatabaseOrTransaction } from "@agenda/db/client";
import { calendarIntegrations, graphSubscriptions, syncConflicts, syncRuns, type LastSyncResult } from "@agenda/db/schema";
import { isUserActive } from "@agenda/domain/users";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";

/** Postgres channel on which any process says "this user's integration status may have changed" (payload: user id). */
export const INTEGRATION_STATUS_CHANNEL = "agenda_integration_status";

/** What the user sees of their Outlook connection at a glance, live. */
export interface IntegrationStatus {
  state: "not_connected" | "idle" | "syncing" | "error" | "needs_reauth";
  integrationId: string | null;
  accountEmail: string | null;
  /** Why the integration needs the user (needs_reauth) or what failed (error). */
  reason: string | null;
  lastSyncAt: string | null;
  lastSyncResult: LastSyncResult | null;
  /** How changes made in Outlook reach the platform; null when nothing syncs on its own. */
  mode: "notifications" | "polling" | null;
  unreviewedConflicts: number;
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
    return { state: "not_connected", integrationId: null, accountEmail: null, reason: null, lastSyncAt: null, lastSyncResult: null, mode: null, unreviewedConflicts };
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
  const syncing = activity?.syncing ?? false;
  const subscribed = activity?.subscribed ?? false;
  const failed = row.status === "error" || row.lastSyncResult?.ok === false;
  const state: IntegrationStatus["state"] = row.status === "needs_reauth" ? "needs_reauth" : syncing ? "syncing" : failed ? "error" : "idle";
  const reason = state === "needs_reauth" ? row.statusReason : state === "error" ? (row.statusReason ?? row.lastSyncResult?.error ?? null) : null;
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
  };
}

/**
 * Tells every process's feed that this user's status may have changed. Inside a transaction Postgres delivers it at
 * commit (and drops it on rollback), so subscribers never read a state that is not there yet.
 */
export async function publishIntegrationStatus(db: DatabaseOrTransaction, userId: string): Promise<void> {
  await db.execute(sql`select pg_notify(${INTEGRATION_STATUS_CHANNEL}, ${userId})`);
}

type Wake = () => void;

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
    const listening = this.db.$client.listen(
      INTEGRATION_STATUS_CHANNEL,
      (userId) => this.#wake(this.#subscribers.get(userId)),
      // Also runs after the driver re-established a lost connection: whatever was published meanwhile is re-read.
      () => {
        for (const wakes of this.#subscribers.values()) this.#wake(wakes);
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
   * busy is read once, and a status equal to the last one yielded is not yielded again.
   */
  async *statuses(userId: string, signal: AbortSignal): AsyncGenerator<IntegrationStatus, void, undefined> {
    let pending = false;
    let resume: Wake | undefined;
    const wake: Wake = () => {
      pending = true;
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
        const status = await readIntegrationStatus(this.db, userId);
        const serialized = JSON.stringify(status);
        if (serialized !== last && !signal.aborted) {
          last = serialized;
          yield status;
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

  #wake(wakes: Set<Wake> | undefined): void {
    for (const wake of wakes ?? []) wake();
  }
}
