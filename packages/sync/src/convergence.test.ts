import { agendaEvents, syncConflicts } from "@agenda/db/schema";
import { createEvent, deleteEvent, updateEvent } from "@agenda/domain/events";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, type SandboxMailboxEvent, sandboxMailboxEvents, useSandbox } from "@agenda/testing/sandbox";
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriptionSettingsFor } from "./notifications/notification-endpoints";
import type { OutlookServices } from "./connection/outlook-services";
import { SYNC_QUEUES } from "./jobs/sync-queue";
import { startSync, type Sync } from "./start-sync";
import type { SyncEngine } from "./sync-engine";
import { withIntegrationLock } from "./runs/sync-run";
import { connectTestUser, testOutlookServices } from "./testing/connect";
import { startNotificationReceiver, type NotificationReceiver } from "./testing/notification-receiver";

/**
 * Both sides change the same calendar at random while Microsoft misbehaves; once the product has caught up, Outlook
 * and the agenda must hold the same events, once each, and every edit that lost a conflict must be in the log.
 */

const MAILBOX = "lea@contoso.test";
const OPERATIONS = 1_000;
const BATCH = 20;
const FAULTS = {
  seed: 7,
  errorRate: 0.2,
  errorStatuses: [429, 503],
  retryAfterSeconds: 0.05,
  notificationDropRate: 0.05,
};

const database = useTestDatabase();
const sandbox = useSandbox([{ userPrincipalName: MAILBOX }]);

let services: OutlookServices;
let sync: Sync;
let engine: SyncEngine;
let receiver: NotificationReceiver;
let user: User;
let integrationId: string;

/** A small seeded generator: the same run every time, so a failure can be replayed. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, pick: <T>(items: readonly T[]): T | undefined => items[Math.floor(next() * items.length)] };
}

const mailboxEvents = () => sandboxMailboxEvents(sandbox(), MAILBOX);

const liveRows = () => and(eq(agendaEvents.ownerId, user.id), isNull(agendaEvents.deletedAt));

async function jobsPending(): Promise<number> {
  const [row] = await database().db.execute<{ pending: number }>(
    sql`select count(*)::int as pending from pgboss.job where name in (${SYNC_QUEUES.import}, ${SYNC_QUEUES.export}) and state in ('created', 'retry', 'active')`,
  );
  return row?.pending ?? 0;
}

/** Waits until no sync job waits or runs, twice in a row (a finishing import may queue an export). */
async function drained(): Promise<void> {
  let quiet = 0;
  for (let waited = 0; waited < 1_200 && quiet < 2; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    quiet = (await jobsPending()) === 0 ? quiet + 1 : 0;
  }
  expect(await jobsPending(), "sync jobs still pending after 2 minutes").toBe(0);
}

/** A time in December 2026, on the quarter hour, and its end an hour later. */
function slot(random: ReturnType<typeof randomSource>) {
  const start = Date.UTC(
    2026,
    11,
    1 + Math.floor(random.next() * 28),
    7 + Math.floor(random.next() * 10),
    15 * Math.floor(random.next() * 4),
  );
  return { start: new Date(start), end: new Date(start + 3_600_000) };
}

const utc = (instant: Date) => ({ dateTime: instant.toISOString().slice(0, 19), timeZone: "UTC" });

interface BatchTouches {
  platform: Set<string>;
  outlook: Set<string>;
  platformDeleted: Set<string>;
  outlookDeleted: Set<string>;
  /** Formation rows whose Outlook copy was edited or deleted in Outlook. */
  formations: Set<string>;
}

/** One batch of random changes on both sides, made while no sync of the mailbox can run ("between two syncs"). */
async function changeBothSides(
  random: ReturnType<typeof randomSource>,
  size: number,
  label: string,
): Promise<BatchTouches> {
  const touches: BatchTouches = {
    platform: new Set(),
    outlook: new Set(),
    platformDeleted: new Set(),
    outlookDeleted: new Set(),
    formations: new Set(),
  };
  await withIntegrationLock(database().db, integrationId, async () => {
    const rows = await database().db.select().from(agendaEvents).where(liveRows());
    const rowOfGraphId = new Map(rows.filter((row) => row.graphEventId).map((row) => [row.graphEventId, row]));
    const personal = rows.filter((row) => row.source !== "formation");
    let outlook = (await mailboxEvents()).filter((event) => event.type !== "seriesMaster");
    for (let index = 0; index < size; index++) {
      const title = `${label}.${index}`;
      const when = slot(random);
      const roll = random.next();
      if (roll < 0.5) {
        // The platform side: a person using the web agenda.
        const target = random.pick(personal.filter((row) => !touches.platformDeleted.has(row.id)));
        if (roll < 0.2 || !target) {
          await createEvent(database().db, user, {
            title,
            body: "",
            location: `Salle ${index}`,
            onlineUrl: null,
            showAs: "busy",
            isAllDay: false,
            startsAt: when.start,
            endsAt: when.end,
          });
        } else if (roll < 0.4) {
          await updateEvent(database().db, user.id, {
            id: target.id,
            title,
            startsAt: when.start,
            endsAt: when.end,
            location: `Salle ${index}`,
          });
          touches.platform.add(target.id);
        } else {
          await deleteEvent(database().db, user.id, target.id);
          touches.platform.add(target.id);
          touches.platformDeleted.add(target.id);
        }
        await engine.eventChanged(database().db, user.id);
      } else {
        // The Outlook side: the same person in Outlook, formation copies included.
        const target = random.pick(outlook);
        const row = target ? rowOfGraphId.get(target.immutableId) : undefined;
        if (roll < 0.7 || !target) {
          await sandboxAdmin(sandbox(), "POST", `/mailboxes/${MAILBOX}/events`, {
            events: [
              {
                subject: title,
                start: utc(when.start),
                end: utc(when.end),
                location: { displayName: `Bureau ${index}` },
              },
            ],
          });
        } else if (roll < 0.9) {
          await sandboxAdmin(sandbox(), "PATCH", `/mailboxes/${MAILBOX}/events/${target.id}`, {
            subject: title,
            start: utc(when.start),
            end: utc(when.end),
            location: { displayName: `Bureau ${index}` },
          });
          if (row) (row.source === "formation" ? touches.formations : touches.outlook).add(row.id);
        } else {
          await sandboxAdmin(sandbox(), "DELETE", `/mailboxes/${MAILBOX}/events/${target.id}`);
          outlook = outlook.filter((event) => event.id !== target.id);
          if (row) (row.source === "formation" ? touches.formations : touches.outlook).add(row.id);
          if (row) touches.outlookDeleted.add(row.id);
        }
      }
    }
  });
  return touches;
}

beforeAll(async () => {
  services = testOutlookServices(database().db, sandbox());
  receiver = await startNotificationReceiver(database().db, () => sync.queue);
  sync = await startSync({
    outlook: services,
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: true,
    notifications: subscriptionSettingsFor(sandbox().url, receiver.url),
    // Maintenance is run by the test when it wants the safety net: every integration is then due.
    safetyNetIntervalMs: 0,
    queue: { maintenanceCron: "0 0 1 1 *", retry: { limit: 8, delaySeconds: 1 } },
  });
  ({ engine } = sync);
  const connected = await connectTestUser(services, { name: "Léa", mailbox: MAILBOX });
  user = connected.user;
  integrationId = connected.integration.id;
  for (const externalId of ["excel", "word", "teams"]) {
    const input = {
      externalId,
      title: `Formation ${externalId}`,
      location: "Salle 1",
      startsAt: "2026-12-14T09:00:00Z",
      endsAt: "2026-12-14T12:00:00Z",
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: user.platformUserId, email: user.email, name: user.name }],
    };
    await upsertFormation(
      database().db,
      { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
      upsertFormationInput.parse(input),
    );
  }
  await engine.integrationChanged(database().db, integrationId);
  await sync.queue.enqueueExports(database().db, [integrationId], "change");
  await drained();
}, 120_000);

afterAll(async () => {
  await sync?.stop(5_000);
  await receiver?.close();
});

describe("bidirectional sync under faults", () => {
  it(
    "converges: the mailbox and the agenda hold the same events, once each, with every conflict logged",
    { timeout: 600_000 },
    async () => {
      const random = randomSource(2026);
      const expectedConflicts = new Map<string, string>();
      await sandboxAdmin(sandbox(), "PATCH", "/faults", FAULTS);
      for (let batch = 0; batch * BATCH < OPERATIONS; batch++) {
        if (batch === Math.floor(OPERATIONS / BATCH / 2))
          await sandboxAdmin(sandbox(), "POST", "/faults/expire-delta-tokens", { mailbox: MAILBOX });
        const touches = await changeBothSides(random, BATCH, `b${batch}`);
        for (const id of touches.platform) {
          const bothDeleted = touches.platformDeleted.has(id) && touches.outlookDeleted.has(id);
          if (touches.outlook.has(id) && !bothDeleted)
            expectedConflicts.set(id, `batch ${batch}: changed on both sides`);
        }
        for (const id of touches.formations) expectedConflicts.set(id, `batch ${batch}: formation changed in Outlook`);
        await drained();
      }
      // Dropped notifications are caught up by the safety-net import (maintenance), then Microsoft behaves again.
      await sandboxAdmin(sandbox(), "PUT", "/faults", {});
      await engine.enqueueDue();
      await drained();

      const agenda = await database().db.select().from(agendaEvents).where(liveRows());
      const inOutlook = agenda.filter((row) => !(row.source === "formation" && row.removedFromOutlookAt));
      const mailbox = await mailboxEvents();
      const asMailboxSees = (event: SandboxMailboxEvent) => ({
        id: event.immutableId,
        title: event.subject,
        start: new Date(`${event.start.dateTime.slice(0, 19)}Z`).toISOString(),
        end: new Date(`${event.end.dateTime.slice(0, 19)}Z`).toISOString(),
        location: event.location?.displayName || null,
      });
      const asAgendaSees = (row: (typeof agenda)[number]) => ({
        id: row.graphEventId,
        title: row.title,
        start: row.startsAt.toISOString(),
        end: row.endsAt.toISOString(),
        location: row.location || null,
      });
      const byId = (a: { id: string | null }, b: { id: string | null }) => (a.id ?? "").localeCompare(b.id ?? "");
      expect(inOutlook.map(asAgendaSees).sort(byId)).toEqual(mailbox.map(asMailboxSees).sort(byId));
      expect(new Set(mailbox.map(({ immutableId }) => immutableId)).size).toBe(mailbox.length);
      expect(agenda.filter((row) => row.syncStatus !== "synced")).toEqual([]);

      const logged = new Set(
        (
          await database()
            .db.select({ eventId: syncConflicts.eventId })
            .from(syncConflicts)
            .where(eq(syncConflicts.ownerId, user.id))
        ).map(({ eventId }) => eventId),
      );
      const missing = [...expectedConflicts].filter(([id]) => !logged.has(id));
      expect(missing).toEqual([]);
      expect(expectedConflicts.size).toBeGreaterThan(0);
    },
  );
});
