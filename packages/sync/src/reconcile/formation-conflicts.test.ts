import { randomUUID } from "node:crypto";
import { agendaEvents, syncConflicts } from "@agenda/db/schema";
import type { User } from "@agenda/domain/users";
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listConflicts, reviewConflict } from "./conflict-log";
import { exportFormation, exportFormations } from "../export/formation-writes";
import { formationOutlookStates } from "../export/formation-outlook-states";
import { SYNC_QUEUES } from "../jobs/sync-queue";
import { startSync } from "../start-sync";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { formationIdOf, mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { scheduleExcelFormation } from "../testing/formations";
import { importIntegration } from "../import/import-integration";

const MAILBOXES = ["ada", "bob", "cyd"];
const { database, services, mailboxEvents, admin } = useTestMailboxes(MAILBOXES);
const PLATFORM_URL = "https://platform.example.test";

async function connect(name: string) {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  return { user, integrationId: integration.id };
}

/** A formation in a week (inside the import window), in Paris, that the user takes part in. */
const scheduleFormation = (user: User, externalId?: string, changes?: Record<string, unknown>) =>
  scheduleExcelFormation(database().db, user, externalId, changes);

const runImport = async (integrationId: string) =>
  (await runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run))).result;
const runExport = async (integrationId: string) =>
  (
    await runSync(services(), integrationId, "export", "manual", (run) =>
      exportFormations(run, { platformUrl: PLATFORM_URL }),
    )
  ).result;
const addAgain = async (integrationId: string, formationId: string) =>
  (
    await runSync(services(), integrationId, "export", "api", (run) =>
      exportFormation(run, formationId, { platformUrl: PLATFORM_URL }),
    )
  ).result;

async function formationRow(user: User, formationId: string) {
  const [row] = await database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.formationId, formationId)));
  if (!row) throw new Error("no formation row");
  return row;
}

async function conflictsOf(user: User) {
  return database()
    .db.select()
    .from(syncConflicts)
    .where(eq(syncConflicts.ownerId, user.id))
    .orderBy(asc(syncConflicts.detectedAt));
}

const stateOf = async (user: User, formationId: string) =>
  (await formationOutlookStates(database().db, user.id)).find((state) => state.formationId === formationId)
    ?.outlookState;

describe("formations edited or deleted in Outlook", () => {
  it("puts back a copy whose time, title or place changed in Outlook, logging each; other fields are the user's", async () => {
    const { user, integrationId } = await connect("ada");
    const formation = await scheduleFormation(user);
    expect(await stateOf(user, formation.id)).toBe("pending");
    await runExport(integrationId);
    expect(await stateOf(user, formation.id)).toBe("in_outlook");
    const copyId = (await formationRow(user, formation.id)).graphEventId;
    const editCopy = (changes: Record<string, unknown>) =>
      admin("PATCH", `/mailboxes/${mailboxOf("ada")}/events/${copyId}`, changes);

    // The import reads its own copy back: nothing to settle.
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, toExport: 0 });
    await editCopy({ reminderMinutesBeforeStart: 5, categories: ["Formation", "Mine"] });
    expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, toExport: 0 });
    expect(await runExport(integrationId)).toMatchObject({ updated: 0 });
    expect(await conflictsOf(user)).toEqual([]);

    const startsAt = new Date(formation.startsAt);
    const later = (hours: number) => ({
      dateTime: new Date(startsAt.getTime() + hours * 3_600_000).toISOString().slice(0, 19),
      timeZone: "UTC",
    });
    const edits = [
      { subject: "Mon Excel" },
      { location: { displayName: "Chez moi" } },
      { start: later(1), end: later(4) },
    ];
    for (const edit of edits) {
      await editCopy(edit);
      expect(await runImport(integrationId)).toMatchObject({ created: 0, updated: 0, toExport: 1 });
      expect(await stateOf(user, formation.id)).toBe("conflict");
      expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
      const [copy] = await mailboxEvents("ada");
      expect(copy).toMatchObject({
        subject: "Excel avancé",
        location: expect.objectContaining({ displayName: "Salle 3" }),
        reminderMinutesBeforeStart: 5,
      });
      // The admin API shows times in UTC.
      expect(copy?.start.dateTime.slice(0, 19)).toBe(startsAt.toISOString().slice(0, 19));
      // The put-back copy read back is an echo.
      expect(await runImport(integrationId)).toMatchObject({ toExport: 0 });
    }
    const conflicts = await conflictsOf(user);
    expect(conflicts.map(({ kind, winner, formationId }) => ({ kind, winner, formationId }))).toEqual(
      edits.map(() => ({ kind: "formation_changed_in_outlook", winner: "platform", formationId: formation.id })),
    );
    expect(conflicts.map(({ outlookVersion }) => outlookVersion?.title)).toEqual([
      "Mon Excel",
      "Excel avancé",
      "Excel avancé",
    ]);
    expect(conflicts[1]?.outlookVersion?.location).toBe("Chez moi");
    expect(conflicts[2]?.outlookVersion?.startsAt).toBe(new Date(startsAt.getTime() + 3_600_000).toISOString());
    expect(
      conflicts.every(
        ({ platformVersion }) => platformVersion?.title === "Excel avancé" && platformVersion.location === "Salle 3",
      ),
    ).toBe(true);

    for (const { id } of conflicts) await reviewConflict(database().db, user.id, id);
    expect(await listConflicts(database().db, user.id)).toEqual([]);
    expect(await listConflicts(database().db, user.id, { includeReviewed: true })).toHaveLength(3);
    expect(await stateOf(user, formation.id)).toBe("in_outlook");
  });

  it("respects a copy deleted in Outlook, through later formation changes, until the user adds it again, once", async () => {
    const { user, integrationId } = await connect("bob");
    const externalId = randomUUID();
    const formation = await scheduleFormation(user, externalId);
    await runExport(integrationId);
    const copyId = (await formationRow(user, formation.id)).graphEventId;
    await admin("DELETE", `/mailboxes/${mailboxOf("bob")}/events/${copyId}`);

    expect(await runImport(integrationId)).toMatchObject({ deleted: 0, toExport: 0 });
    expect(await formationRow(user, formation.id)).toMatchObject({
      deletedAt: null,
      graphEventId: null,
      integrationId: null,
      removedFromOutlookAt: expect.any(Date),
    });
    expect(await stateOf(user, formation.id)).toBe("removed_in_outlook");
    expect((await conflictsOf(user)).map(({ kind, winner, eventId }) => ({ kind, winner, eventId }))).toEqual([
      { kind: "formation_removed_in_outlook", winner: "outlook", eventId: (await formationRow(user, formation.id)).id },
    ]);

    await scheduleFormation(user, externalId, { title: "Excel avancé (nouvelle salle)", location: "Salle 5" });
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 0 });
    expect(await mailboxEvents("bob")).toEqual([]);

    const added = await addAgain(integrationId, formation.id);
    expect(await addAgain(integrationId, formation.id)).toEqual(added);
    expect(
      (await mailboxEvents("bob")).map((event) => ({ formation: formationIdOf(event), subject: event.subject })),
    ).toEqual([{ formation: formation.id, subject: "Excel avancé (nouvelle salle)" }]);
    expect(await formationRow(user, formation.id)).toMatchObject({
      removedFromOutlookAt: null,
      graphEventId: added.id,
    });
    expect(await stateOf(user, formation.id)).toBe("in_outlook");
    // Adding it again answers the conflict.
    expect(await listConflicts(database().db, user.id)).toEqual([]);
  });

  it("queues an export after an import that left something for Outlook", async () => {
    const { user, integrationId } = await connect("cyd");
    const formation = await scheduleFormation(user);
    await runExport(integrationId);
    // No process works this queue: the jobs the import queues stay where the test reads them.
    const { engine, stop } = await startSync({
      outlook: services(),
      databaseUrl: database().url,
      platformUrl: PLATFORM_URL,
      work: false,
    });
    const queuedExports = async () =>
      (
        await database().db.execute<{ integrationId: string }>(
          sql`select data->>'integrationId' as "integrationId" from pgboss.job where name = ${SYNC_QUEUES.export}`,
        )
      ).map((job) => job.integrationId);
    try {
      await engine.handlers().import({ integrationId, trigger: "manual" });
      let queued = await queuedExports();
      expect(queued).toEqual([]);
      await admin(
        "PATCH",
        `/mailboxes/${mailboxOf("cyd")}/events/${(await formationRow(user, formation.id)).graphEventId}`,
        { subject: "Renamed" },
      );
      await engine.handlers().import({ integrationId, trigger: "manual" });
      queued = await queuedExports();
      expect(queued).toEqual([integrationId]);
    } finally {
      await stop(5_000);
    }
  });
});
