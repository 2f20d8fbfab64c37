import { calendarIntegrations, graphSubscriptions, syncConflicts, syncRuns } from "@agenda/db/schema";
import { ensureUser, type User } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  IntegrationStatusFeed,
  INTEGRATION_STATUS_CHANNEL,
  publishIntegrationStatus,
  readIntegrationStatus,
  type EventChanges,
  type IntegrationStatus,
  type LiveIntegrationStatus,
} from "./integration-status";
import { withIntegrationLock } from "../runs/sync-run";

const database = useTestDatabase();
const db = () => database().db;

let ana: User;
let ben: User;
let integrationId: string;

async function person(name: string): Promise<User> {
  return ensureUser(db(), { platformUserId: `status-${name}`, email: `${name}@contoso.test`, name, role: "learner" });
}

async function connect(user: User): Promise<string> {
  const [row] = await db()
    .insert(calendarIntegrations)
    .values({
      userId: user.id,
      msTenantId: "tenant",
      msObjectId: user.id,
      msHomeAccountId: `${user.id}.tenant`,
      accountEmail: user.email,
      encryptedTokenCache: "sealed",
    })
    .returning({ id: calendarIntegrations.id });
  if (!row) throw new Error("no integration");
  return row.id;
}

const setIntegration = (values: Partial<typeof calendarIntegrations.$inferInsert>) =>
  db().update(calendarIntegrations).set(values).where(eq(calendarIntegrations.id, integrationId));

beforeAll(async () => {
  ana = await person("ana");
  ben = await person("ben");
  integrationId = await connect(ana);
  await connect(ben);
});

describe("readIntegrationStatus", () => {
  it("says not_connected without an integration, with the conflicts still counted", async () => {
    const carla = await person("carla");
    await db()
      .insert(syncConflicts)
      .values({ ownerId: carla.id, kind: "formation_removed_in_outlook", winner: "outlook" });
    expect(await readIntegrationStatus(db(), carla.id)).toEqual({
      state: "not_connected",
      integrationId: null,
      accountEmail: null,
      reason: null,
      lastSyncAt: null,
      lastSyncResult: null,
      mode: null,
      unreviewedConflicts: 1,
      importRun: null,
    });
  });

  it("says idle, polling, with the last sync's time and counts", async () => {
    const lastSyncAt = new Date("2026-11-20T10:00:00Z");
    await setIntegration({ lastSyncAt, lastSyncResult: { ok: true, created: 3, updated: 1, deleted: 0 } });
    expect(await readIntegrationStatus(db(), ana.id)).toEqual({
      state: "idle",
      integrationId,
      accountEmail: "ana@contoso.test",
      reason: null,
      lastSyncAt: lastSyncAt.toISOString(),
      lastSyncResult: { ok: true, created: 3, updated: 1, deleted: 0 },
      mode: "polling",
      unreviewedConflicts: 0,
      importRun: null,
    });
  });

  it("says syncing while a run holds the integration's lock, not for a run a dead worker left running", async () => {
    const [run] = await db()
      .insert(syncRuns)
      .values({ integrationId, kind: "import", trigger: "manual" })
      .returning({ id: syncRuns.id });
    expect(await readIntegrationStatus(db(), ana.id)).toMatchObject({
      state: "idle",
      importRun: { id: run?.id, status: "running", pages: 0, created: 0, error: null },
    });
    const during = await withIntegrationLock(db(), integrationId, () => readIntegrationStatus(db(), ana.id));
    expect(during.state).toBe("syncing");
    // Ben's integration is not locked by Ana's run.
    expect(
      await withIntegrationLock(db(), integrationId, async () => (await readIntegrationStatus(db(), ben.id)).state),
    ).toBe("idle");
    await db()
      .update(syncRuns)
      .set({ status: "succeeded", finishedAt: new Date() })
      .where(eq(syncRuns.id, run?.id ?? ""));
    expect(
      await withIntegrationLock(db(), integrationId, async () => (await readIntegrationStatus(db(), ana.id)).state),
    ).toBe("idle");
  });

  it("says error with what failed when the last sync failed or the integration is in error", async () => {
    await setIntegration({
      lastSyncResult: { ok: false, created: 0, updated: 0, deleted: 0, error: "OUTLOOK_UNAVAILABLE" },
    });
    expect(await readIntegrationStatus(db(), ana.id)).toMatchObject({ state: "error", reason: "OUTLOOK_UNAVAILABLE" });
    await setIntegration({
      status: "error",
      statusReason: "mailbox not found",
      lastSyncResult: { ok: true, created: 0, updated: 0, deleted: 0 },
    });
    expect(await readIntegrationStatus(db(), ana.id)).toMatchObject({ state: "error", reason: "mailbox not found" });
  });

  it("says needs_reauth with Microsoft's reason, even during a run", async () => {
    await setIntegration({ status: "needs_reauth", statusReason: "AADSTS50173: grant revoked" });
    await db().insert(syncRuns).values({ integrationId, kind: "export", trigger: "api" });
    const status = await withIntegrationLock(db(), integrationId, () => readIntegrationStatus(db(), ana.id));
    expect(status).toMatchObject({ state: "needs_reauth", reason: "AADSTS50173: grant revoked" });
    await db().update(syncRuns).set({ status: "failed" }).where(eq(syncRuns.integrationId, integrationId));
    await setIntegration({ status: "active", statusReason: null });
  });

  it("says notifications while a subscription is unexpired, and no mode when nothing syncs on its own", async () => {
    const subscription = { integrationId, resource: "/me/events", clientStateHash: "hash" };
    await db()
      .insert(graphSubscriptions)
      .values({ ...subscription, subscriptionId: "expired", expiresAt: new Date(Date.now() - 60_000) });
    expect((await readIntegrationStatus(db(), ana.id)).mode).toBe("polling");
    await db()
      .insert(graphSubscriptions)
      .values({ ...subscription, subscriptionId: "live", expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await readIntegrationStatus(db(), ana.id)).mode).toBe("notifications");
    expect((await readIntegrationStatus(db(), ben.id)).mode).toBe("polling");
    await setIntegration({ autoSyncEnabled: false });
    expect((await readIntegrationStatus(db(), ana.id)).mode).toBeNull();
    await setIntegration({ autoSyncEnabled: true });
  });

  it("counts the user's own unreviewed conflicts only", async () => {
    await db()
      .insert(syncConflicts)
      .values([
        { ownerId: ana.id, integrationId, kind: "edited_on_both_sides", winner: "outlook" },
        { ownerId: ana.id, integrationId, kind: "formation_changed_in_outlook", winner: "platform" },
        { ownerId: ana.id, integrationId, kind: "edited_on_both_sides", winner: "platform", reviewedAt: new Date() },
        { ownerId: ben.id, kind: "edited_on_both_sides", winner: "platform" },
      ]);
    expect((await readIntegrationStatus(db(), ana.id)).unreviewedConflicts).toBe(2);
    expect((await readIntegrationStatus(db(), ben.id)).unreviewedConflicts).toBe(1);
  });

  it("says not_connected once disconnected", async () => {
    const dan = await person("dan");
    const id = await connect(dan);
    await db()
      .update(calendarIntegrations)
      .set({ status: "disconnected", encryptedTokenCache: null })
      .where(eq(calendarIntegrations.id, id));
    expect(await readIntegrationStatus(db(), dan.id)).toMatchObject({
      state: "not_connected",
      integrationId: null,
      mode: null,
    });
  });
});

describe("IntegrationStatusFeed", () => {
  it("yields the current status, then one per published change, only for its user, until aborted", async () => {
    const feed = new IntegrationStatusFeed(db());
    const abort = new AbortController();
    const anaStatuses = feed.statuses(ana.id, abort.signal);
    const benAbort = new AbortController();
    const benStatuses = feed.statuses(ben.id, benAbort.signal);
    try {
      const first = await anaStatuses.next();
      expect(first.value).toMatchObject({ integrationId, state: "idle" });
      const benFirst = (await benStatuses.next()).value as IntegrationStatus;
      expect(benFirst.accountEmail).toBe("ben@contoso.test");

      // A change published inside a transaction is seen once committed.
      await db().transaction(async (tx) => {
        await tx
          .update(calendarIntegrations)
          .set({ status: "needs_reauth", statusReason: "AADSTS50173" })
          .where(eq(calendarIntegrations.id, integrationId));
        await publishIntegrationStatus(tx, ana.id);
      });
      expect((await anaStatuses.next()).value).toMatchObject({ state: "needs_reauth", reason: "AADSTS50173" });

      // A burst of notifications for an unchanged status yields nothing; the next real change comes next.
      for (let i = 0; i < 20; i++) await publishIntegrationStatus(db(), ana.id);
      await setIntegration({ status: "active", statusReason: null });
      await publishIntegrationStatus(db(), ana.id);
      expect((await anaStatuses.next()).value).toMatchObject({ state: "idle", reason: null });

      // Ben's stream only ever carries his own status.
      await db()
        .update(calendarIntegrations)
        .set({ autoSyncEnabled: false })
        .where(eq(calendarIntegrations.userId, ben.id));
      await publishIntegrationStatus(db(), ben.id);
      expect((await benStatuses.next()).value).toMatchObject({ accountEmail: "ben@contoso.test", mode: null });

      const pending = anaStatuses.next();
      abort.abort();
      expect(await pending).toEqual({ done: true, value: undefined });
    } finally {
      abort.abort();
      benAbort.abort();
      await benStatuses.return();
      await feed.stop();
    }
  });

  /** Statuses of the stream until what they say of changed events adds up to `total`. */
  async function eventsChangedUntil(
    statuses: AsyncGenerator<LiveIntegrationStatus>,
    total: number,
  ): Promise<LiveIntegrationStatus[]> {
    const seen: LiveIntegrationStatus[] = [];
    const counted = () =>
      seen.reduce(
        (sum, { eventsChanged }) =>
          sum +
          (eventsChanged
            ? eventsChanged.created + eventsChanged.updated + eventsChanged.deleted + eventsChanged.failed
            : 0),
        0,
      );
    while (counted() < total) seen.push((await statuses.next()).value as LiveIntegrationStatus);
    return seen;
  }

  it("says which events the runs ended since its previous status changed, even when the status reads the same", async () => {
    const feed = new IntegrationStatusFeed(db());
    const abort = new AbortController();
    const statuses = feed.statuses(ana.id, abort.signal);
    try {
      expect((await statuses.next()).value).not.toHaveProperty("eventsChanged");
      const changed: EventChanges[] = [
        { created: 2, updated: 0, deleted: 0, failed: 0 },
        { created: 0, updated: 1, deleted: 1, failed: 1 },
      ];
      for (const eventsChanged of changed) await publishIntegrationStatus(db(), ana.id, eventsChanged);
      const seen = await eventsChangedUntil(statuses, 5);
      // However the two runs fell between the stream's reads, each event they changed is told once.
      const told = seen.map(({ eventsChanged }) => eventsChanged ?? { created: 0, updated: 0, deleted: 0, failed: 0 });
      expect(
        told.reduce((sum, next) => ({
          created: sum.created + next.created,
          updated: sum.updated + next.updated,
          deleted: sum.deleted + next.deleted,
          failed: sum.failed + next.failed,
        })),
      ).toEqual({
        created: 2,
        updated: 1,
        deleted: 1,
        failed: 1,
      });

      // A run that changed nothing, on an unchanged status, is not told at all: the next status is the next change.
      await publishIntegrationStatus(db(), ana.id);
      await publishIntegrationStatus(db(), ana.id, { created: 0, updated: 0, deleted: 0, failed: 0 });
      await setIntegration({ autoSyncEnabled: false });
      await publishIntegrationStatus(db(), ana.id);
      const next = (await statuses.next()).value as LiveIntegrationStatus;
      expect(next).toMatchObject({ mode: null });
      expect(next).not.toHaveProperty("eventsChanged");
    } finally {
      abort.abort();
      await setIntegration({ autoSyncEnabled: true });
      await feed.stop();
    }
  });

  it("reads back from the runs' records what they changed while its connection was lost", async () => {
    const feed = new IntegrationStatusFeed(db());
    const abort = new AbortController();
    const statuses = feed.statuses(ana.id, abort.signal);
    try {
      await statuses.next();
      // A run ends, but the feed hears nothing of it: its notification is lost with the connection.
      const finishedAt = new Date();
      await db()
        .insert(syncRuns)
        .values({
          integrationId,
          kind: "export",
          trigger: "change",
          status: "succeeded",
          startedAt: finishedAt,
          finishedAt,
          updated: 1,
          issues: [{ message: "refused", eventId: integrationId }],
        });
      const [dropped] = await db().execute<{ dropped: boolean }>(
        sql`select bool_or(pg_terminate_backend(pid)) as dropped from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and query = ${`listen "${INTEGRATION_STATUS_CHANNEL}"`}`,
      );
      expect(dropped?.dropped).toBe(true);
      const [status] = await eventsChangedUntil(statuses, 2);
      expect(status?.eventsChanged).toEqual({ created: 0, updated: 1, deleted: 0, failed: 1 });
    } finally {
      abort.abort();
      await feed.stop();
    }
  });
});
