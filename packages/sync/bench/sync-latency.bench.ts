/**
 * Real-time sync latency (issue 6, "Must show"), on loopback against a throw-away PostgreSQL and a sandbox on its own
 * thread, with the product's own pieces: the notification webhook, the job queue with its wake-ups, the sync engine.
 *  (a) Outlook → platform: an event changed in the mailbox, until `listEvents` (what `events.list` answers) shows it;
 *  (b) platform → Outlook: an event changed through `updateEvent` + `eventChanged` (what `events.update` does), until
 *      the sandbox has applied the write (the end of its PATCH in the sandbox's request log).
 * 200 changes each, one after the other. Targets: p50 < 300 ms, p99 < 1 s.
 */
import type { RequestLogEntry } from "@agenda/microsoft-sandbox";
import { listEvents, updateEvent } from "@agenda/domain/events";
import { agendaEvents, calendarIntegrations } from "@agenda/db/schema";
import { and, eq, isNull } from "drizzle-orm";
import { subscriptionSettingsFor } from "../src/notifications/notification-endpoints";
import { startSync, type Sync } from "../src/start-sync";
import { startNotificationReceiver } from "../src/testing/notification-receiver";
import { benchEvents, seedMailbox, startBenchEnvironment } from "./bench-environment";

const CHANGES = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function report(label: string, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const [p50, p90, p99] = [50, 90, 99].map((p) => percentile(sorted, p));
  const verdict = (p50 ?? Infinity) < 300 && (p99 ?? Infinity) < 1_000 ? "targets met" : "TARGETS MISSED";
  console.log(
    `${label}: p50 ${p50?.toFixed(0)} ms, p90 ${p90?.toFixed(0)} ms, p99 ${p99?.toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms over ${sorted.length} changes (${verdict})`,
  );
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

const environment = await startBenchEnvironment({ throttling: { enabled: true } });
let sync: Sync | undefined;
const receiver = await startNotificationReceiver(environment.db, () => {
  if (!sync) throw new Error("the sync is not started yet");
  return sync.queue;
});
try {
  sync = await startSync({
    outlook: environment.services,
    databaseUrl: environment.databaseUrl,
    platformUrl: "https://platform.example.test",
    work: true,
    notifications: subscriptionSettingsFor(environment.sandboxUrl, receiver.url),
    queue: { pollingIntervalSeconds: 2 },
  });
  const { engine } = sync;

  const [connected] = await environment.connectMailboxes(["lea"]);
  if (!connected) throw new Error("no mailbox connected");
  const { mailbox, integrationId } = connected;
  const [integration] = await environment.db
    .select()
    .from(calendarIntegrations)
    .where(eq(calendarIntegrations.id, integrationId));
  if (!integration) throw new Error("integration missing");
  const owner = integration.userId;
  const ids = await seedMailbox(environment, mailbox, benchEvents(CHANGES, "Réunion", 60));
  await engine.integrationChanged(environment.db, integrationId);
  await until(async () => {
    const rows = await environment.db
      .select({ id: agendaEvents.id })
      .from(agendaEvents)
      .where(and(eq(agendaEvents.ownerId, owner), isNull(agendaEvents.deletedAt)));
    return rows.length >= CHANGES ? rows : undefined;
  }, "the first import");
  const { value: subscriptions } = (await environment.admin("GET", "/subscriptions")) as { value: unknown[] };
  if (subscriptions.length === 0) throw new Error("the product did not subscribe to change notifications");
  const range = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 62 * 86_400_000) };

  const inbound: number[] = [];
  for (const [n, id] of ids.entries()) {
    const subject = `Changée dans Outlook ${n}`;
    const started = performance.now();
    await environment.admin("PATCH", `/mailboxes/${mailbox}/events/${id}`, { subject });
    await until(
      async () =>
        (await listEvents(environment.db, owner, range)).some((event) => event.title === subject) ? true : undefined,
      `change ${n} in the agenda`,
    );
    inbound.push(performance.now() - started);
  }
  report("(a) Outlook → platform", inbound);

  const owned = await environment.db
    .select({ id: agendaEvents.id })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, owner), isNull(agendaEvents.deletedAt)));
  await environment.admin("DELETE", "/requests");
  const outbound: number[] = [];
  for (const [n, row] of owned.slice(0, CHANGES).entries()) {
    const startedAt = Date.now();
    await environment.db.transaction(async (tx) => {
      await updateEvent(tx, owner, { id: row.id, title: `Changée dans la plateforme ${n}` });
      await engine.eventChanged(tx, owner);
    });
    const written = await until(async () => {
      const { value } = (await environment.admin("GET", `/requests?mailbox=${mailbox}&limit=20`)) as {
        value: RequestLogEntry[];
      };
      return value.find((entry) => entry.method === "PATCH" && entry.status < 300 && Date.parse(entry.at) >= startedAt);
    }, `change ${n} in Outlook`);
    // The sandbox's clock is this machine's: the end of its PATCH, in milliseconds.
    outbound.push(Date.parse(written.at) - startedAt);
  }
  report("(b) platform → Outlook", outbound);
} finally {
  await sync?.stop(5_000);
  await receiver.close();
  await environment.stop();
}
