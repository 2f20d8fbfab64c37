import { randomUUID } from "node:crypto";
import { useTestDatabase } from "@agenda/testing/database";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SyncQueue, type SyncJob, type SyncJobHandlers } from "./sync-queue";

const database = useTestDatabase();

/** Far longer than any wait below: a job taken in time was woken, not polled. */
const POLLING_SECONDS = 60;

const taken: SyncJob[] = [];
const handlers: SyncJobHandlers = {
  import: async (job) => taken.push(job),
  export: async (job) => taken.push(job),
  renewSubscription: async () => undefined,
  maintenance: async () => undefined,
};

let worker: SyncQueue;
let web: SyncQueue;

beforeAll(async () => {
  // Two queues as two processes would hold them: the web side only enqueues, the worker takes.
  worker = await SyncQueue.start({
    databaseUrl: database().url,
    pollingIntervalSeconds: POLLING_SECONDS,
    notificationDebounceMs: 300,
    maintenanceCron: "0 0 1 1 *",
  });
  await worker.work(handlers);
  web = await SyncQueue.start({ databaseUrl: database().url, maintenanceCron: "0 0 1 1 *" });
});
afterAll(async () => {
  await web?.stop(5_000);
  await worker?.stop(5_000);
});

async function takenFor(integrationId: string, count: number): Promise<SyncJob[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const jobs = taken.filter((job) => job.integrationId === integrationId);
    if (jobs.length >= count) return jobs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the worker did not take ${count} job(s) for ${integrationId} without polling`);
}

describe("the sync queue", () => {
  it("wakes the worker of another queue as soon as a job is sent, instead of waiting for its polling", async () => {
    // Let the worker's first fetch pass, so it sleeps for its polling interval.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const integrationId = randomUUID();
    expect(await web.enqueueImports(database().db, [integrationId], "manual")).toHaveLength(1);
    expect(await takenFor(integrationId, 1)).toEqual([{ integrationId, trigger: "manual" }]);
    const exported = randomUUID();
    await web.enqueueExports(database().db, [exported], "change");
    expect(await takenFor(exported, 1)).toEqual([{ integrationId: exported, trigger: "change" }]);
  });

  it("holds notification imports for the debounce window: the burst joins the waiting job, which is taken when due", async () => {
    const integrationId = randomUUID();
    const sent = await Promise.all(
      Array.from({ length: 20 }, () => web.enqueueNotificationImports(database().db, [integrationId])),
    );
    expect(sent.flat()).toHaveLength(1);
    expect(await takenFor(integrationId, 1)).toEqual([{ integrationId, trigger: "notification" }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(taken.filter((job) => job.integrationId === integrationId)).toHaveLength(1);
  });
});
