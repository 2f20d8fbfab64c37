import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agendaEvents, calendarIntegrations, syncRuns } from "@agenda/db/schema";
import type { RequestLogEntry } from "@agenda/microsoft-sandbox";
import { SYNC_QUEUES, SyncQueue } from "@agenda/sync/sync-queue";
import { connectTestUser, testOutlookEnvironment, testOutlookServices } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { overlappingRuns, requestsOutsideTheirRuns, type RunSpan } from "@agenda/testing/run-overlaps";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { startTopology } from "@agenda/testing/topology";
import { count, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

const MAILBOXES = Array.from({ length: 100 }, (_, index) => `trainee${index}@contoso.test`);
const EVENTS_PER_MAILBOX = 2;
/** Connections and seeding run this many at a time: the sandbox and the database are this machine's. */
const BATCH = 10;

const database = useTestDatabase();
const sandbox = useSandbox(MAILBOXES.map((userPrincipalName) => ({ userPrincipalName })));

async function inBatches<T>(items: T[], work: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH)
    await Promise.all(items.slice(start, start + BATCH).map((item, offset) => work(item, start + offset)));
}

async function jobsLeft(): Promise<number> {
  const [row] = await database().db.execute<{ left: number }>(
    sql`select count(*)::int as left from pgboss.job where name in (${SYNC_QUEUES.import}, ${SYNC_QUEUES.export}) and state in ('created', 'retry', 'active')`,
  );
  return row?.left ?? 0;
}

/** The sum of every series of a Prometheus family in a scrape. */
function metricTotal(scrape: string, family: string): number {
  return scrape
    .split("\n")
    .filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

describe("the scaled-out topology: one server, two workers, one Postgres", () => {
  it("syncs 100 mailboxes, each by one worker at a time, none lost", { timeout: 120_000 }, async () => {
    const services = testOutlookServices(database().db, sandbox());
    const connecting = Date.now();
    await inBatches(MAILBOXES, (mailbox, index) => connectTestUser(services, { name: `Trainee ${index}`, mailbox }));
    const connectMs = Date.now() - connecting;
    await inBatches(MAILBOXES, (mailbox, index) =>
      sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/events`, {
        events: Array.from({ length: EVENTS_PER_MAILBOX }, (_, event) => ({
          subject: `Session ${index}.${event}`,
          start: { dateTime: `2026-12-${String(10 + event).padStart(2, "0")}T09:00:00`, timeZone: "UTC" },
          end: { dateTime: `2026-12-${String(10 + event).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
        })),
      }),
    );
    await sandboxAdmin(sandbox(), "DELETE", "/requests");

    const dataDir = await mkdtemp(join(tmpdir(), "agenda-topology-"));
    const topology = await startTopology({
      DATA_DIR: dataDir,
      DATABASE_URL: database().url,
      ...testOutlookEnvironment(sandbox()),
      PLATFORM_JWT_SECRET: "topology-test-secret-long-enough-for-hs256",
      PLATFORM_URL: "https://platform.example.test",
      SYNC_POLL_SECONDS: "0.5",
    });
    const integrations = await database()
      .db.select({ id: calendarIntegrations.id, mailboxId: calendarIntegrations.msObjectId })
      .from(calendarIntegrations);
    const queue = await SyncQueue.start({ databaseUrl: database().url });
    try {
      for (const url of [topology.server.url, ...topology.workers.map((worker) => worker.operationsUrl)])
        expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const syncing = Date.now();
      // Every mailbox twice over (the second one waits behind the first): both workers want every mailbox.
      await queue.enqueueImports(
        database().db,
        integrations.map(({ id }) => id),
        "manual",
      );
      await queue.enqueueImports(
        database().db,
        integrations.map(({ id }) => id),
        "schedule",
      );
      for (let waited = 0; waited < 900 && (await jobsLeft()) > 0; waited++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await jobsLeft(), topology.workers.map((worker) => worker.output()).join("\n")).toBe(0);
      console.info(`100 mailboxes: connected in ${connectMs} ms, synced by two workers in ${Date.now() - syncing} ms`);

      const runs = await database().db.select().from(syncRuns);
      expect(runs.filter(({ status }) => status !== "succeeded")).toEqual([]);
      const spans: RunSpan[] = runs.map((run) => ({
        integrationId: run.integrationId,
        worker: run.worker ?? "",
        start: run.startedAt.getTime(),
        end: run.finishedAt?.getTime() ?? Number.NaN,
      }));
      // Only the workers synced (the server takes no jobs), both of them, and every mailbox.
      expect(new Set(spans.map(({ worker }) => worker.split(" ")[1]))).toEqual(
        new Set(topology.workers.map((worker) => String(worker.process.pid))),
      );
      expect(new Set(spans.map(({ integrationId }) => integrationId)).size).toBe(MAILBOXES.length);
      expect(overlappingRuns(spans)).toEqual([]);

      const { value: log } = (await sandboxAdmin(sandbox(), "GET", "/requests?limit=10000")) as {
        value: RequestLogEntry[];
      };
      const integrationOfMailbox = new Map(integrations.map(({ id, mailboxId }) => [mailboxId, id]));
      const runsOf = (mailboxId: string, pid: string) =>
        spans.filter(
          (span) => span.integrationId === integrationOfMailbox.get(mailboxId) && span.worker.endsWith(` ${pid}`),
        );
      expect(log.length).toBeGreaterThanOrEqual(MAILBOXES.length);
      expect(requestsOutsideTheirRuns(log, runsOf)).toEqual([]);

      // Each worker counts the runs it made on its own /metrics: together, every run.
      const counted = await Promise.all(
        topology.workers.map(async (worker) =>
          metricTotal(await (await fetch(`${worker.operationsUrl}/metrics`)).text(), "agenda_sync_runs_total"),
        ),
      );
      expect(counted.every((runsOfWorker) => runsOfWorker > 0)).toBe(true);
      expect(counted.reduce((sum, runsOfWorker) => sum + runsOfWorker, 0)).toBe(runs.length);

      const [imported] = await database().db.select({ events: count() }).from(agendaEvents);
      expect(imported?.events).toBe(MAILBOXES.length * EVENTS_PER_MAILBOX);
    } finally {
      await queue.stop(5_000);
      await topology.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
