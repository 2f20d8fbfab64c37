import { randomUUID } from "node:crypto";
import { calendarIntegrations, syncRuns } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser, setUserDeactivated, type User } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { useTestDatabase } from "@agenda/testing/database";
import { sandboxAdmin, sandboxMailboxEvents, useSandbox } from "@agenda/testing/sandbox";
import { createEvent } from "@agenda/domain/events";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectOutlook } from "./connection/outlook-connection";
import type { OutlookServices } from "./connection/outlook-services";
import { SYNC_QUEUES, type SyncQueue } from "./jobs/sync-queue";
import { startSync, type Sync } from "./start-sync";
import type { SyncEngine } from "./sync-engine";
import { listSyncRuns } from "./runs/run-history";
import { holdIntegrationLockElsewhere, within } from "./testing/concurrency";
import { connectTestUser, testOutlookServices } from "./testing/connect";

const database = useTestDatabase();
const mailboxes = ["ana", "ben", "carla", "dan", "eve", "fay", "gus", "hana", "ivy", "jan"].map(
  (name) => `${name}@contoso.test`,
);
const sandbox = useSandbox(mailboxes.map((userPrincipalName) => ({ userPrincipalName })));

let services: OutlookServices;
let sync: Sync;
let engine: SyncEngine;
let queue: SyncQueue;

beforeAll(async () => {
  services = testOutlookServices(database().db, sandbox());
  sync = await startSync({
    outlook: services,
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: true,
    queue: { pollingIntervalSeconds: 0.5, retry: { limit: 0, delaySeconds: 1 } },
  });
  ({ engine, queue } = sync);
});
afterAll(async () => {
  await sync?.stop(5_000);
});

const mailboxEvents = (mailbox: string) => sandboxMailboxEvents(sandbox(), mailbox);

async function formationFor(user: User, title: string) {
  return upsertFormation(
    database().db,
    { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
    upsertFormationInput.parse({
      externalId: randomUUID(),
      title,
      startsAt: "2026-12-15T09:00:00+01:00",
      endsAt: "2026-12-15T12:00:00+01:00",
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: user.platformUserId, email: user.email, name: user.name }],
    }),
  );
}

/** Waits (bounded) until a sync run of the integration matching `where` has finished. */
async function finishedRun(integrationId: string, kind: "import" | "export") {
  for (let waited = 0; waited < 150; waited++) {
    const [run] = await database()
      .db.select()
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.kind, kind)));
    if (run && run.status !== "running") return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no finished ${kind} run for ${integrationId}`);
}

/** Asks for "Importer les événements" and waits (bounded) for the run it answered with to finish. */
async function importNowAndWait(userId: string) {
  const { runId } = await engine.importNow(userId);
  if (!runId) throw new Error("the import was absorbed by one already waiting");
  for (let waited = 0; waited < 150; waited++) {
    const [run] = await database().db.select().from(syncRuns).where(eq(syncRuns.id, runId));
    if (run && run.status !== "running") return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

/** Refused at once, while the sync it gives way to still runs. */
async function expectAlreadyRunning(sync: Promise<unknown>) {
  await expect(within(5_000, sync)).rejects.toSatisfy(
    (error) => error instanceof DomainError && error.code === "SYNC_ALREADY_RUNNING",
  );
}

describe("the sync engine", () => {
  it("imports on demand and records the run", async () => {
    const { user } = await connectTestUser(services, { name: "Ana", mailbox: "ana@contoso.test" });
    await sandboxAdmin(sandbox(), "POST", "/mailboxes/ana@contoso.test/events", {
      events: [1, 2, 3].map((day) => ({
        subject: `Réunion ${day}`,
        start: { dateTime: `2026-12-0${day}T10:00:00`, timeZone: "UTC" },
        end: { dateTime: `2026-12-0${day}T11:00:00`, timeZone: "UTC" },
      })),
    });
    const imported = await importNowAndWait(user.id);
    expect(imported).toMatchObject({ status: "succeeded", created: 3, updated: 0, deleted: 0, pages: 1 });
    expect(await importNowAndWait(user.id)).toMatchObject({ status: "succeeded", created: 0, updated: 0, deleted: 0 });

    const runs = await listSyncRuns(database().db, user.id, 10);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ kind: "import", trigger: "manual", status: "succeeded", created: 3 });
    expect(runs[1]?.requests).toBeGreaterThan(0);
  });

  it("exports a formation on demand once, however often asked", async () => {
    const { user } = await connectTestUser(services, { name: "Ben", mailbox: "ben@contoso.test" });
    const formation = await formationFor(user, "Sécurité informatique");
    const first = await engine.exportFormationNow(user.id, formation.id);
    const second = await engine.exportFormationNow(user.id, formation.id);
    expect(second.id).toBe(first.id);
    const events = await mailboxEvents("ben@contoso.test");
    expect(events.filter(({ subject }) => subject === "Sécurité informatique")).toHaveLength(1);
  });

  it("sends a changed formation to its participants' Outlook through the queue, and removes it on request at disconnect", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Carla", mailbox: "carla@contoso.test" });
    const formation = await formationFor(user, "Gestion de projet");
    await engine.formationChanged(database().db, formation.id);
    expect(await finishedRun(integration.id, "export")).toMatchObject({
      status: "succeeded",
      trigger: "change",
      created: 1,
    });
    expect(
      (await mailboxEvents("carla@contoso.test")).map(({ subject, categories }) => ({ subject, categories })),
    ).toEqual([{ subject: "Gestion de projet", categories: ["Formation"] }]);

    expect(await disconnectOutlook(services, user.id, { removeExportedFormations: true })).toEqual({
      removedFromOutlook: 1,
      notRemovedFromOutlook: 0,
    });
    expect(await mailboxEvents("carla@contoso.test")).toEqual([]);
  });

  it("has maintenance export only the integrations an export left behind", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Eve", mailbox: "eve@contoso.test" });
    const scheduledExports = async () => {
      const [row] = await database().db.execute<{ count: number }>(
        sql`select count(*)::int as count from pgboss.job where name = ${SYNC_QUEUES.export} and singleton_key = ${integration.id} and data->>'trigger' = 'schedule'`,
      );
      return row?.count;
    };
    await engine.enqueueDue();
    expect(await scheduledExports()).toBe(0);

    // Saved in the platform while no export was queued (a crash between the save and the queue, say).
    await createEvent(database().db, user, {
      title: "Révision",
      body: "",
      location: null,
      onlineUrl: null,
      showAs: "busy",
      isAllDay: false,
      startsAt: new Date("2026-12-16T09:00:00Z"),
      endsAt: new Date("2026-12-16T10:00:00Z"),
    });
    await engine.enqueueDue();
    expect(await scheduledExports()).toBe(1);
    expect(await finishedRun(integration.id, "export")).toMatchObject({
      status: "succeeded",
      trigger: "schedule",
      created: 1,
    });
    expect((await mailboxEvents("eve@contoso.test")).map(({ subject }) => subject)).toEqual(["Révision"]);

    await engine.enqueueDue();
    expect(await scheduledExports()).toBe(1);
  });

  it("ends the jobs of an integration that needs its user quietly, and keeps failed jobs visible for a retry", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Dan", mailbox: "dan@contoso.test" });
    await database()
      .db.update(calendarIntegrations)
      .set({ status: "needs_reauth", statusReason: "AADSTS50173" })
      .where(eq(calendarIntegrations.id, integration.id));
    await expect(engine.importNow(user.id)).rejects.toSatisfy(
      (error) => error instanceof DomainError && error.code === "OUTLOOK_NEEDS_REAUTH",
    );
    expect(await engine.handlers().import({ integrationId: integration.id, trigger: "schedule" })).toEqual({
      skipped: "OUTLOOK_NEEDS_REAUTH",
    });

    await database()
      .db.update(calendarIntegrations)
      .set({ status: "active", statusReason: null, exportCalendarId: "a-calendar-that-does-not-exist" })
      .where(eq(calendarIntegrations.id, integration.id));
    await formationFor(user, "Prise de parole");
    await queue.enqueueExports(database().db, [integration.id], "schedule");
    let failed = await queue.failedJobs();
    for (let waited = 0; waited < 150 && !failed.some((job) => job.integrationId === integration.id); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      failed = await queue.failedJobs();
    }
    const job = failed.find((entry) => entry.integrationId === integration.id);
    expect(job).toMatchObject({ queue: SYNC_QUEUES.export, trigger: "schedule" });
    expect(job?.error).toBeTruthy();
    await queue.retryJob(SYNC_QUEUES.export, job?.id ?? "");
    expect((await queue.failedJobs()).some((entry) => entry.id === job?.id)).toBe(false);
  });

  it("sends a newly connected user's formations to Outlook at once, and a reconnection does not copy them twice", async () => {
    const { db } = database();
    const user = await ensureUser(db, {
      platformUserId: "test-jan@contoso.test",
      email: "jan@contoso.test",
      name: "Jan",
      role: "learner",
    });
    await formationFor(user, "Sécurité incendie");
    await formationFor(user, "Gestes et postures");
    const connectAndWaitForExport = async () => {
      const { integration } = await connectTestUser(services, { name: "Jan", mailbox: "jan@contoso.test" });
      const runsBefore = (await listSyncRuns(db, user.id, 50)).filter(({ kind }) => kind === "export").length;
      // What the API's callback does once Microsoft answered: nothing here asks for an export.
      await engine.integrationChanged(database().db, integration.id);
      for (let waited = 0; waited < 150; waited++) {
        const exports = (await listSyncRuns(db, user.id, 50)).filter(
          ({ kind, status }) => kind === "export" && status !== "running",
        );
        if (exports.length > runsBefore) return exports[0];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("no export after connecting");
    };

    expect(await connectAndWaitForExport()).toMatchObject({ status: "succeeded", created: 2 });
    expect((await mailboxEvents("jan@contoso.test")).map(({ subject }) => subject).sort()).toEqual([
      "Gestes et postures",
      "Sécurité incendie",
    ]);

    await disconnectOutlook(services, user.id, { removeExportedFormations: false });
    await connectAndWaitForExport();
    expect((await mailboxEvents("jan@contoso.test")).map(({ subject }) => subject).sort()).toEqual([
      "Gestes et postures",
      "Sécurité incendie",
    ]);
  });

  it("stops syncing the Outlook of someone the platform deactivated, and takes it up again once reactivated", async () => {
    const { db } = database();
    const { user, integration } = await connectTestUser(services, { name: "Ivy", mailbox: "ivy@contoso.test" });
    const { serviceToken } = await createServiceToken(db, { name: "hr", scopes: ["users:write"] });
    const hr: Viewer = {
      kind: "service",
      serviceTokenId: serviceToken.id,
      serviceName: serviceToken.name,
      scopes: serviceToken.scopes,
    };
    const scheduledImports = async () => {
      const [row] = await db.execute<{ count: number }>(
        sql`select count(*)::int as count from pgboss.job where name = ${SYNC_QUEUES.import} and singleton_key = ${integration.id} and data->>'trigger' = 'schedule'`,
      );
      return row?.count;
    };

    // Never synced, so due for an import: but its person left.
    await setUserDeactivated(db, hr, user.platformUserId, true);
    await engine.enqueueDue();
    expect(await scheduledImports()).toBe(0);
    expect(await engine.handlers().import({ integrationId: integration.id, trigger: "schedule" })).toEqual({
      skipped: "USER_DEACTIVATED",
    });
    expect(await engine.handlers().export({ integrationId: integration.id, trigger: "change" })).toEqual({
      skipped: "USER_DEACTIVATED",
    });
    expect(await listSyncRuns(db, user.id, 10)).toEqual([]);

    await setUserDeactivated(db, hr, user.platformUserId, false);
    await engine.enqueueDue();
    expect(await scheduledImports()).toBe(1);
  });

  it("runs one API export per user at a time: the same export asked again joins it, any other is refused; imports queue", async () => {
    const { user, integration } = await connectTestUser(services, { name: "Fay", mailbox: "fay@contoso.test" });
    const formation = await formationFor(user, "Droit du travail");
    const another = await formationFor(user, "Management");
    const runsOf = (kind: "import" | "export") =>
      database()
        .db.select()
        .from(syncRuns)
        .where(and(eq(syncRuns.integrationId, integration.id), eq(syncRuns.kind, kind)));

    // The mailbox's lock, held by another process, keeps the first sync running while the others are asked.
    const release = await holdIntegrationLockElsewhere(database().url, integration.id);
    const pushes = [engine.exportFormationNow(user.id, formation.id), engine.exportFormationNow(user.id, formation.id)];
    await expectAlreadyRunning(engine.exportFormationNow(user.id, another.id));
    // An import asked meanwhile is queued, answered at once: it runs once the mailbox is free.
    const queued = await within(5_000, engine.importNow(user.id));
    expect(queued).toMatchObject({ integrationId: integration.id, runId: expect.any(String) });
    await release();
    const [pushed, pushedAgain] = await Promise.all(pushes);
    expect(pushedAgain).toEqual(pushed);
    expect(await runsOf("export")).toHaveLength(1);
    await finishedRun(integration.id, "import");
    expect((await runsOf("import")).map(({ id }) => id)).toEqual([queued.runId]);
  });

  it("keeps another user's import prompt while one user fires syncs at a mailbox another process holds", async () => {
    const flooding = await connectTestUser(services, { name: "Gus", mailbox: "gus@contoso.test" });
    const other = await connectTestUser(services, { name: "Hana", mailbox: "hana@contoso.test" });
    const formation = await formationFor(flooding.user, "Bureautique");
    const release = await holdIntegrationLockElsewhere(database().url, flooding.integration.id);
    // As many clicks as the pool has connections, each answered or refused later: none may hold up Hana.
    const flood = Array.from({ length: database().db.$client.options.max }, (_, index) =>
      (index % 2 === 0
        ? engine.exportFormationNow(flooding.user.id, formation.id)
        : engine.importNow(flooding.user.id)
      ).catch((error: unknown) => error),
    );
    try {
      expect(await within(5_000, engine.importNow(other.user.id))).toMatchObject({ runId: expect.any(String) });
    } finally {
      await release();
    }
    // The pushes joined the first one; the imports asked meanwhile were queued (one job waits, the rest join it).
    const answers = await Promise.all(flood);
    expect(answers[0]).toMatchObject({ subject: "Bureautique" });
    expect(answers).toEqual(
      answers.map((_, index) =>
        index % 2 === 0 ? answers[0] : expect.objectContaining({ integrationId: flooding.integration.id }),
      ),
    );
  });
});
