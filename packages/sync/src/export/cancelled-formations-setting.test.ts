import { auditLog } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import { changePlatformSettings, readPlatformSettings } from "@agenda/domain/platform-settings";
import { ensureUser, type User } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYNC_QUEUES } from "../jobs/sync-queue";
import { runSync } from "../runs/sync-run";
import { startSync, type Sync } from "../start-sync";
import { connectTestUser } from "../testing/connect";
import { formationIdOf, mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { formationOutlookStates } from "./formation-outlook-states";
import { exportFormations } from "./formation-writes";

const { database, services, mailboxEvents } = useTestMailboxes(["ana", "ben", "carla"]);
const platform: Viewer = { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] };
const SESSIONS = [
  { startsAt: "2027-03-01T09:00:00+02:00", endsAt: "2027-03-01T12:00:00+02:00" },
  { startsAt: "2027-03-08T09:00:00+02:00", endsAt: "2027-03-08T12:00:00+02:00" },
];

// Only queues (no worker): the test reads the jobs a setting change leaves and runs the exports itself.
let sync: Sync;
beforeAll(async () => {
  sync = await startSync({
    outlook: services(),
    databaseUrl: database().url,
    platformUrl: "https://platform.example.test",
    work: false,
  });
});
afterAll(async () => {
  await sync?.stop(5_000);
});

async function connect(name: string) {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  return { user, integrationId: integration.id };
}

const runExport = async (integrationId: string) =>
  (
    await runSync(services(), integrationId, "export", "manual", (run) =>
      exportFormations(run, {
        platformUrl: "https://platform.example.test",
        retry: { baseDelayMs: 10, maxDelayMs: 100 },
      }),
    )
  ).result;

/** Each formation's sessions as last planned, with their ids. */
const plannedSessions = new Map<string, unknown[]>();

/** Plans the formation again with the sessions it has (kept by their ids), or two new ones the first time. */
async function plan(externalId: string, learners: User[], changes: Record<string, unknown> = {}): Promise<Formation> {
  const planned = async (sessions: unknown[]) =>
    upsertFormation(
      database().db,
      platform,
      upsertFormationInput.parse({
        externalId,
        title: "Sécurité",
        timeZone: "Europe/Paris",
        learners: learners.map(({ platformUserId, email, name }) => ({ platformUserId, email, name })),
        sessions,
        ...changes,
      }),
    );
  const known = plannedSessions.get(externalId);
  const formation = await planned(known ?? SESSIONS);
  plannedSessions.set(
    externalId,
    formation.sessions.map(({ id, startsAt, endsAt }) => ({ id, startsAt, endsAt })),
  );
  return formation;
}
const subjectsOf = async (name: string, formation: Formation) =>
  (await mailboxEvents(name))
    .filter((event) => formationIdOf(event) === formation.id)
    .map(({ subject }) => subject)
    .sort();

/** An admin switches the setting the way the API does: the change and its exports in one transaction. */
async function setCancelledFormations(choice: "mark" | "delete") {
  const { id } = await ensureUser(database().db, {
    platformUserId: "admin",
    email: "admin@example.test",
    name: "Admin",
    role: "admin",
    locale: "fr",
    timeZone: "Europe/Paris",
  });
  const admin: Viewer = { kind: "user", userId: id, role: "admin" };
  await database().db.transaction(async (tx) => {
    const { before, after } = await changePlatformSettings(tx, admin, { cancelledFormationsInOutlook: choice });
    if (before.cancelledFormationsInOutlook !== after.cancelledFormationsInOutlook)
      await sync.engine.cancelledFormationsSettingChanged(tx);
  });
}

async function queuedExports(): Promise<string[]> {
  const rows = await database().db.execute<{ key: string }>(
    sql`select singleton_key as key from pgboss.job where name = ${SYNC_QUEUES.export} and state = 'created' order by 1`,
  );
  return rows.map(({ key }) => key);
}

const clearQueuedExports = () =>
  database().db.execute(sql`delete from pgboss.job where name = ${SYNC_QUEUES.export} and state = 'created'`);

describe("the admins' choice for cancelled formations in Outlook", () => {
  it("is marking by default; deleting removes a cancelled formation's copies, un-cancelling and marking bring them back", async () => {
    expect(await readPlatformSettings(database().db)).toEqual({ cancelledFormationsInOutlook: "mark" });
    const ana = await connect("ana");
    const ben = await connect("ben");
    const cancelled = await plan("cancelled", [ana.user]);
    const scheduled = await plan("scheduled", [ana.user, ben.user], { title: "Excel" });
    for (const { integrationId } of [ana, ben]) await runExport(integrationId);
    await plan("cancelled", [ana.user], { status: "cancelled", cancellationReason: "Salle indisponible" });
    expect(await runExport(ana.integrationId)).toMatchObject({ updated: 2, deleted: 0, failed: 0 });
    expect(await subjectsOf("ana", cancelled)).toEqual(["Annulé : Sécurité (1/2)", "Annulé : Sécurité (2/2)"]);

    // Deleting: only the integration whose user has a cancelled formation is queued, and its export deletes the copies.
    await clearQueuedExports();
    await setCancelledFormations("delete");
    expect(await queuedExports()).toEqual([ana.integrationId]);
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 2, failed: 0 });
    expect(await subjectsOf("ana", cancelled)).toEqual([]);
    expect(await subjectsOf("ana", scheduled)).toEqual(["Excel (1/2)", "Excel (2/2)"]);
    // The agenda no longer waits for these copies.
    const states = await formationOutlookStates(database().db, ana.user.id);
    expect(
      states.filter(({ formationId }) => formationId === cancelled.id).map(({ outlookState }) => outlookState),
    ).toEqual(["not_exported", "not_exported"]);
    // Nothing left to do: a second export writes nothing.
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0 });

    // Scheduled again: the copies come back, unmarked.
    await plan("cancelled", [ana.user]);
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 2, deleted: 0, failed: 0 });
    expect(await subjectsOf("ana", cancelled)).toEqual(["Sécurité (1/2)", "Sécurité (2/2)"]);

    // Cancelling while deleting is the setting: the copies go with the cancellation.
    await plan("cancelled", [ana.user], { status: "cancelled", cancellationReason: "Salle indisponible" });
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 2, failed: 0 });
    expect(await subjectsOf("ana", cancelled)).toEqual([]);

    // Back to marking: the cancelled formation's copies are made again, marked; the scheduled one is untouched.
    await clearQueuedExports();
    await setCancelledFormations("mark");
    expect(await queuedExports()).toEqual([ana.integrationId]);
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 2, updated: 0, deleted: 0, failed: 0 });
    expect(await subjectsOf("ana", cancelled)).toEqual(["Annulé : Sécurité (1/2)", "Annulé : Sécurité (2/2)"]);
    expect(await subjectsOf("ana", scheduled)).toEqual(["Excel (1/2)", "Excel (2/2)"]);
    expect(await runExport(ben.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it("records each change in the audit log, and a choice already made changes nothing", async () => {
    await clearQueuedExports();
    const before = await database()
      .db.select()
      .from(auditLog)
      .where(eq(auditLog.action, "admin.platform_settings_changed"));
    await setCancelledFormations("delete");
    await setCancelledFormations("delete");
    const entries = await database()
      .db.select()
      .from(auditLog)
      .where(eq(auditLog.action, "admin.platform_settings_changed"))
      .orderBy(asc(auditLog.id));
    expect(entries.length - before.length).toBe(1);
    expect(entries.at(-1)).toMatchObject({
      actorKind: "user",
      outcome: "success",
      detail: { before: { cancelledFormationsInOutlook: "mark" }, after: { cancelledFormationsInOutlook: "delete" } },
    });
    expect(await readPlatformSettings(database().db)).toEqual({ cancelledFormationsInOutlook: "delete" });
    await setCancelledFormations("mark");
  });
});
