import { calendarIntegrations, syncRuns } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";
import type { RequestLogEntry } from "@agenda/microsoft-sandbox";
import { SYNC_QUEUES, SyncQueue } from "@agenda/sync/sync-queue";
import { connectTestUser, testOutlookEnvironment, testOutlookServices } from "@agenda/sync/testing/connect";
import { useTestDatabase } from "@agenda/testing/database";
import { overlappingRuns, requestsOutsideTheirRuns, type RunSpan } from "@agenda/testing/run-overlaps";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { startWorkerProcess } from "@agenda/testing/worker-process";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

const MAILBOXES = Array.from({ length: 8 }, (_, index) => `learner${index}@contoso.test`);
const ROUNDS = 3;

const database = useTestDatabase();
const sandbox = useSandbox(MAILBOXES.map((userPrincipalName) => ({ userPrincipalName })));

function workerEnv(): Record<string, string> {
  return {
    DATABASE_URL: database().url,
    ...testOutlookEnvironment(sandbox()),
    PLATFORM_URL: "https://platform.example.test",
    SYNC_POLL_SECONDS: "0.5",
  };
}

async function seedEvents(mailbox: string, round: number): Promise<void> {
  const events = Array.from({ length: 5 }, (_, index) => ({
    subject: `Round ${round} event ${index}`,
    start: { dateTime: `2026-12-${String(10 + index).padStart(2, "0")}T09:00:00`, timeZone: "UTC" },
    end: { dateTime: `2026-12-${String(10 + index).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
  }));
  await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/events`, { events });
}

/** A new formation every learner takes part in, and a change to the previous one: every mailbox has exports to do. */
async function scheduleFormations(learners: User[], round: number): Promise<void> {
  const people = learners.map(({ platformUserId, email, name }) => ({ platformUserId, email, name }));
  for (const [externalId, title] of [
    [`round-${round}`, `Formation ${round}`],
    [`round-${round - 1}`, `Formation ${round - 1} (salle changée)`],
  ] as const) {
    const input = {
      externalId,
      title,
      location: `Salle ${round}`,
      startsAt: `2026-12-0${round}T09:00:00Z`,
      endsAt: `2026-12-0${round}T12:00:00Z`,
      timeZone: "Europe/Paris",
      learners: people,
    };
    await upsertFormation(
      database().db,
      { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
      upsertFormationInput.parse(input),
    );
  }
}

async function jobsLeft(): Promise<number> {
  const [row] = await database().db.execute<{ left: number }>(
    sql`select count(*)::int as left from pgboss.job where name in (${SYNC_QUEUES.import}, ${SYNC_QUEUES.export}) and state in ('created', 'retry', 'active')`,
  );
  return row?.left ?? 0;
}

describe("two sync workers on one Postgres", () => {
  it("share the mailboxes and never sync the same one at the same time", { timeout: 180_000 }, async () => {
    const services = testOutlookServices(database().db, sandbox());
    const connected = [];
    for (const [index, mailbox] of MAILBOXES.entries())
      connected.push(await connectTestUser(services, { name: `Learner ${index}`, mailbox }));
    const integrations = connected.map(({ integration }) => integration);
    await sandboxAdmin(sandbox(), "DELETE", "/requests");

    const workers = await Promise.all([startWorkerProcess(workerEnv()), startWorkerProcess(workerEnv())]);
    const queue = await SyncQueue.start({ databaseUrl: database().url });
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const mailbox of MAILBOXES) await seedEvents(mailbox, round);
        await scheduleFormations(
          connected.map(({ user }) => user),
          round,
        );
        // Each mailbox gets an import and an export at once, twice over: both workers want every mailbox.
        const ids = integrations.map(({ id }) => id);
        await queue.enqueueImports(database().db, ids, "manual");
        await queue.enqueueExports(database().db, ids, "change");
        await queue.enqueueImports(database().db, ids, "schedule");
        for (let waited = 0; waited < 600 && (await jobsLeft()) > 0; waited++)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await jobsLeft(), workers.map((worker) => worker.output()).join("\n")).toBe(0);
      }

      const runs = await database().db.select().from(syncRuns);
      expect(runs.filter(({ status }) => status !== "succeeded")).toEqual([]);
      const spans: RunSpan[] = runs.map((run) => ({
        integrationId: run.integrationId,
        worker: run.worker ?? "",
        start: run.startedAt.getTime(),
        end: run.finishedAt?.getTime() ?? Number.NaN,
      }));
      // Both workers synced mailboxes, and every mailbox was synced: otherwise no overlap would prove nothing.
      expect(new Set(spans.map(({ worker }) => worker.split(" ")[1])), "workers that ran syncs").toEqual(
        new Set(workers.map((worker) => String(worker.process.pid))),
      );
      expect(new Set(spans.map(({ integrationId }) => integrationId)).size).toBe(MAILBOXES.length);
      expect(overlappingRuns(spans)).toEqual([]);

      // The sandbox saw each mailbox's Graph traffic only inside runs of that mailbox by the process that sent it.
      const { value: log } = (await sandboxAdmin(sandbox(), "GET", "/requests?limit=5000")) as {
        value: RequestLogEntry[];
      };
      const accounts = await database()
        .db.select({ id: calendarIntegrations.id, mailboxId: calendarIntegrations.msObjectId })
        .from(calendarIntegrations);
      const integrationOfMailbox = new Map(accounts.map(({ id, mailboxId }) => [mailboxId, id]));
      const runsOf = (mailboxId: string, pid: string) =>
        spans.filter(
          (span) => span.integrationId === integrationOfMailbox.get(mailboxId) && span.worker.endsWith(` ${pid}`),
        );
      expect(log.length).toBeGreaterThan(MAILBOXES.length * ROUNDS * 2);
      expect(requestsOutsideTheirRuns(log, runsOf)).toEqual([]);
    } finally {
      await queue.stop(5_000);
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });
});
