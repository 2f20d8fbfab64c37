import { agendaEvents, calendarIntegrations, syncRuns } from "@agenda/db/schema";
import type { RequestLogEntry } from "@agenda/microsoft-sandbox";
import { INTERRUPTED_RUN } from "@agenda/sync/run-history";
import { SYNC_QUEUES, SyncQueue } from "@agenda/sync/sync-queue";
import { connectTestUser, testOutlookEnvironment, testOutlookServices } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { startWorkerProcess } from "@agenda/testing/worker-process";
import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

const EVENTS = 40;
const database = useTestDatabase();
// Small delta pages, each answered slowly: an import takes seconds, long enough to be interrupted.
const sandbox = useSandbox([{ userPrincipalName: "ines@contoso.test" }, { userPrincipalName: "jules@contoso.test" }], {
  graph: { deltaDefaultPageSize: 4, deltaMaxPageSize: 4 },
});

let queue: SyncQueue;
beforeAll(async () => {
  // Created here first, the queues retry after 1 s (not 15): the hand-over shows within the test.
  queue = await SyncQueue.start({ databaseUrl: database().url, retry: { limit: 3, delaySeconds: 1 } });
  return () => queue.stop(2_000);
});

function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: database().url,
    ...testOutlookEnvironment(sandbox()),
    PLATFORM_URL: "https://platform.example.test",
    SYNC_POLL_SECONDS: "0.5",
    ...extra,
  };
}

async function connectWithEvents(mailbox: string) {
  const { integration } = await connectTestUser(testOutlookServices(database().db, sandbox()), {
    name: mailbox,
    mailbox,
  });
  const events = Array.from({ length: EVENTS }, (_, index) => ({
    subject: `Cours ${index}`,
    start: { dateTime: `2026-12-01T${String(8 + (index % 10)).padStart(2, "0")}:00:00`, timeZone: "UTC" },
    end: { dateTime: `2026-12-01T${String(8 + (index % 10)).padStart(2, "0")}:30:00`, timeZone: "UTC" },
  }));
  await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/events`, { events });
  return integration;
}

async function waitFor<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen in 30 s`);
}

const runsOf = (integrationId: string) =>
  database().db.select().from(syncRuns).where(eq(syncRuns.integrationId, integrationId)).orderBy(syncRuns.startedAt);
const eventsOf = async (integrationId: string) =>
  (
    await database()
      .db.select({ events: count() })
      .from(agendaEvents)
      .where(eq(agendaEvents.integrationId, integrationId))
  )[0]?.events;
async function importJobStates(integrationId: string): Promise<string[]> {
  const rows = await database().db.execute<{ state: string }>(
    sql`select state::text from pgboss.job where name = ${SYNC_QUEUES.import} and singleton_key = ${integrationId} order by created_on`,
  );
  return rows.map(({ state }) => state);
}
/** When the sandbox last served a Graph request of the integration's mailbox sent by the process `pid`. */
async function lastGraphRequestOf(integrationId: string, pid: number | undefined): Promise<number> {
  const [row] = await database()
    .db.select({ mailboxId: calendarIntegrations.msObjectId })
    .from(calendarIntegrations)
    .where(eq(calendarIntegrations.id, integrationId));
  const { value } = (await sandboxAdmin(sandbox(), "GET", "/requests?limit=5000")) as { value: RequestLogEntry[] };
  const times = value
    .filter((entry) => entry.mailboxId === row?.mailboxId && entry.userAgent?.includes(`pid ${pid})`))
    .map((entry) => Date.parse(entry.at));
  return Math.max(...times);
}

describe("a worker stopped by SIGTERM during a sync", () => {
  it("finishes the running sync before it exits", { timeout: 60_000 }, async () => {
    const integration = await connectWithEvents("ines@contoso.test");
    await sandboxAdmin(sandbox(), "PATCH", "/faults", { latencyMinMs: 60, latencyMaxMs: 80 });
    const worker = await startWorkerProcess(workerEnv());
    await queue.enqueueImports(database().db, [integration.id], "manual");
    await waitFor(async () => (await runsOf(integration.id)).find((run) => run.status === "running"), "the import");

    // 128 + SIGTERM: the exit hook's own exit once shutdown is done (a process killed outright reports null).
    expect(await worker.stop()).toBe(143);
    const runs = await runsOf(integration.id);
    expect(runs.map(({ status }) => status)).toEqual(["succeeded"]);
    expect(await eventsOf(integration.id)).toBe(EVENTS);
    expect(await importJobStates(integration.id)).toEqual(["completed"]);
  });

  it(
    "past the shutdown bound, hands the sync back to the queue: another worker completes it, never beside it",
    { timeout: 90_000 },
    async () => {
      const integration = await connectWithEvents("jules@contoso.test");
      await sandboxAdmin(sandbox(), "PATCH", "/faults", { latencyMinMs: 250, latencyMaxMs: 300 });
      const first = await startWorkerProcess(workerEnv({ SHUTDOWN_TIMEOUT_SECONDS: "1" }));
      await queue.enqueueImports(database().db, [integration.id], "manual");
      const interrupted = await waitFor(
        async () => (await runsOf(integration.id)).find((run) => run.status === "running"),
        "the import",
      );
      await first.stop();
      expect(await importJobStates(integration.id)).toEqual(["retry"]);

      await sandboxAdmin(sandbox(), "PATCH", "/faults", { latencyMinMs: 0, latencyMaxMs: 0 });
      const second = await startWorkerProcess(workerEnv());
      try {
        await waitFor(
          async () => ((await importJobStates(integration.id))[0] === "completed" ? true : undefined),
          "the retried import",
        );
      } finally {
        await second.stop();
      }
      const runs = await runsOf(integration.id);
      expect(runs[0]?.id).toBe(interrupted.id);
      // The next run of the mailbox closed the abandoned one.
      expect(runs[0]).toMatchObject({ status: "failed", error: INTERRUPTED_RUN, finishedAt: expect.any(Date) });
      expect(runs.slice(1).map(({ status, worker }) => ({ status, worker }))).toEqual([
        { status: "succeeded", worker: expect.stringMatching(new RegExp(` ${second.process.pid}$`)) },
      ]);
      // The retry began once the first worker had let go of the mailbox: nothing ran twice at once, nothing was lost.
      const firstWorkerLastRequest = await lastGraphRequestOf(integration.id, first.process.pid);
      expect(firstWorkerLastRequest).toBeGreaterThan(0);
      expect(runs[1]?.startedAt.getTime()).toBeGreaterThanOrEqual(firstWorkerLastRequest);
      expect(await eventsOf(integration.id)).toBe(EVENTS);
    },
  );
});
