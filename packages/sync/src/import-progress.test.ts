import { syncRuns } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutlookServices } from "./connection/outlook-services";
import { startSync, type Sync } from "./start-sync";
import { IntegrationStatusFeed, type ImportRunProgress } from "./status/integration-status";
import { connectTestUser, testOutlookServices } from "./testing/connect";

const database = useTestDatabase();
// Five events a delta page: a mailbox of 23 is read in five pages, as a large mailbox would be in many.
const sandbox = useSandbox([{ userPrincipalName: "ana@contoso.test" }, { userPrincipalName: "ben@contoso.test" }], {
  graph: { deltaDefaultPageSize: 5, deltaMaxPageSize: 5 },
});

let services: OutlookServices;
let sync: Sync;
let feed: IntegrationStatusFeed;

beforeAll(async () => {
  services = testOutlookServices(database().db, sandbox());
  sync = await startSync({
    outlook: services,
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: true,
    queue: { pollingIntervalSeconds: 0.5, retry: { limit: 2, delaySeconds: 1 } },
  });
  feed = new IntegrationStatusFeed(database().db);
  await feed.start();
});
afterAll(async () => {
  await feed?.stop();
  await sync?.stop(5_000);
});

async function seedEvents(mailbox: string, count: number) {
  await sandboxAdmin(sandbox(), "POST", `/mailboxes/${mailbox}/events`, {
    events: Array.from({ length: count }, (_, index) => ({
      subject: `Réunion ${index + 1}`,
      start: { dateTime: `2026-12-${String((index % 28) + 1).padStart(2, "0")}T10:00:00`, timeZone: "UTC" },
      end: { dateTime: `2026-12-${String((index % 28) + 1).padStart(2, "0")}T11:00:00`, timeZone: "UTC" },
    })),
  });
}

/**
 * Asks for "Importer les événements" and follows the user's status stream, as the settings page does, until the run
 * it answered with has ended: every state of that run the stream carried, in order.
 */
async function importFollowingTheStream(user: User): Promise<ImportRunProgress[]> {
  const stop = new AbortController();
  const timeout = setTimeout(() => stop.abort(), 20_000);
  const seen: ImportRunProgress[] = [];
  const statuses = feed.statuses(user.id, stop.signal);
  // The stream is open (its first status read) before the import is asked for: no progress can slip by.
  await statuses.next();
  const { runId } = await sync.engine.importNow(user.id);
  expect(runId).toEqual(expect.any(String));
  try {
    for await (const status of statuses) {
      if (status.importRun?.id !== runId) continue;
      seen.push(status.importRun);
      if (status.importRun.status !== "running") break;
    }
  } finally {
    clearTimeout(timeout);
    stop.abort();
  }
  return seen;
}

describe("Importer les événements as a job", () => {
  it("answers at once, and the status stream carries the import's progress page by page, then its result", async () => {
    const { user } = await connectTestUser(services, { name: "Ana", mailbox: "ana@contoso.test" });
    await seedEvents("ana@contoso.test", 23);
    // Each Graph answer takes a moment, as Microsoft's do: the stream reads each page's progress before the next.
    await sandboxAdmin(sandbox(), "PATCH", "/faults", { latencyMinMs: 80, latencyMaxMs: 80 });
    try {
      const seen = await importFollowingTheStream(user);
      const running = seen.filter(({ status }) => status === "running");
      const pages = running.map((progress) => progress.pages);
      // Counts grow with the pages: several states in between, each further than the one before.
      expect(new Set(pages.filter((page) => page > 0)).size).toBeGreaterThanOrEqual(3);
      for (let index = 1; index < running.length; index++) {
        expect(running[index]?.pages).toBeGreaterThanOrEqual(running[index - 1]?.pages ?? 0);
        expect(running[index]?.created).toBeGreaterThanOrEqual(running[index - 1]?.created ?? 0);
      }
      const midway = running.find(({ pages }) => pages > 0 && pages < 5);
      expect(midway?.created).toBe((midway?.pages ?? 0) * 5);
      expect(seen.at(-1)).toMatchObject({
        status: "succeeded",
        pages: 5,
        created: 23,
        updated: 0,
        deleted: 0,
        error: null,
      });
    } finally {
      await sandboxAdmin(sandbox(), "PUT", "/faults", {});
    }
  });

  it.each([403, 400])(
    "ends as a failed run with a typed error when Graph refuses the import (%i), retried by no one",
    async (status) => {
      const { user, integration } = await connectTestUser(services, { name: "Ben", mailbox: "ben@contoso.test" });
      await sandboxAdmin(sandbox(), "PATCH", "/faults", {
        scripted: [{ method: "GET", pathContains: "/delta", status, count: 1 }],
      });
      const failedRuns = async () =>
        (
          await database()
            .db.select({ status: syncRuns.status })
            .from(syncRuns)
            .where(eq(syncRuns.integrationId, integration.id))
        ).filter((run) => run.status === "failed").length;
      const failedBefore = await failedRuns();
      try {
        const seen = await importFollowingTheStream(user);
        expect(seen.at(-1)).toMatchObject({ status: "failed", error: "OUTLOOK_REQUEST_REFUSED" });
        // No retry met the refusal again: the job ended with its run.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(await failedRuns()).toBe(failedBefore + 1);
        expect(await sync.queue.failedJobs()).toEqual([]);
      } finally {
        await sandboxAdmin(sandbox(), "PUT", "/faults", {});
      }
    },
  );
});
