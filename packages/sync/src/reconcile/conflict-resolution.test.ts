import { agendaEvents, auditLog, syncConflicts } from "@agenda/db/schema";
import { DomainError } from "@agenda/domain/errors";
import { updateEvent, updateEventInput } from "@agenda/domain/events";
import { ensureUser, type User } from "@agenda/domain/users";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { exportPersonalEvents } from "../export/personal-event-writes";
import { importIntegration } from "../import/import-integration";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { timedOutlookEvent } from "../testing/outlook-events";
import { resolveConflict } from "./conflict-resolution";

const { database, services, admin, mailboxEvents } = useTestMailboxes(["kim", "lou"]);

const runImport = (integrationId: string) =>
  runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run));
const runExport = (integrationId: string) =>
  runSync(services(), integrationId, "export", "manual", (run) => exportPersonalEvents(run));

async function rowOf(id: string) {
  const [row] = await database().db.select().from(agendaEvents).where(eq(agendaEvents.id, id));
  if (!row) throw new Error(`no agenda event ${id}`);
  return row;
}

/** An Outlook event imported, then edited in the agenda and, later, in Outlook: the import keeps Outlook's edit. */
async function conflictOutlookWon(name: string) {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  await admin("POST", `/mailboxes/${mailboxOf(name)}/events`, { events: [timedOutlookEvent("Cours", 30)] });
  await runImport(integration.id);
  const [row] = await database().db.select().from(agendaEvents).where(eq(agendaEvents.integrationId, integration.id));
  if (!row) throw new Error("one Outlook row expected");
  await updateEvent(
    database().db,
    user.id,
    updateEventInput.parse({ id: row.id, title: "Cours (agenda)", location: "Salle 12" }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  await admin("PATCH", `/mailboxes/${mailboxOf(name)}/events/${row.graphEventId}`, { subject: "Cours (Outlook)" });
  await runImport(integration.id);
  const [conflict] = await database().db.select().from(syncConflicts).where(eq(syncConflicts.eventId, row.id));
  if (!conflict) throw new Error("a conflict expected");
  return { user, integrationId: integration.id, eventId: row.id, conflict };
}

describe("keeping the losing version of a conflict instead", () => {
  it("gives the agenda the version that lost and writes it to Outlook, recorded and marked resolved", async () => {
    const { user, integrationId, eventId, conflict } = await conflictOutlookWon("kim");
    expect(conflict).toMatchObject({ kind: "edited_on_both_sides", winner: "outlook" });
    expect(await rowOf(eventId)).toMatchObject({ title: "Cours (Outlook)" });

    const resolution = await resolveConflict(database().db, user.id, conflict.id);
    expect(resolution).toMatchObject({ id: conflict.id, resolvedWith: "platform", eventId });
    expect(await rowOf(eventId)).toMatchObject({ title: "Cours (agenda)", location: "Salle 12" });

    expect((await runExport(integrationId)).result).toMatchObject({ updated: 1, failed: 0 });
    const [copy] = await mailboxEvents("kim");
    expect(copy).toMatchObject({ subject: "Cours (agenda)", location: { displayName: "Salle 12" } });
    // The import that follows sees the agenda's own write: no new conflict, the agenda keeps the version taken back.
    await runImport(integrationId);
    expect(await rowOf(eventId)).toMatchObject({ title: "Cours (agenda)" });
    const conflicts = await database().db.select().from(syncConflicts).where(eq(syncConflicts.eventId, eventId));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ resolvedWith: "platform" });
    expect(conflicts[0]?.reviewedAt).not.toBeNull();
    expect(conflicts[0]?.resolvedAt).not.toBeNull();

    const [audit] = await database()
      .db.select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, user.id), eq(auditLog.action, "outlook.conflict_resolved")));
    expect(audit).toMatchObject({
      actorUserId: user.id,
      subjectId: eventId,
      detail: { conflictId: conflict.id, kept: "platform" },
    });
  });

  it("takes Outlook's version back when the agenda's had won, on both sides", async () => {
    const { user, integrationId, eventId, conflict } = await conflictOutlookWon("lou");
    // First the agenda's version, then Outlook's again: each choice is the other side's version of that conflict.
    await resolveConflict(database().db, user.id, conflict.id);
    await runExport(integrationId);
    await database().db.update(syncConflicts).set({ winner: "platform" }).where(eq(syncConflicts.id, conflict.id));
    expect(await resolveConflict(database().db, user.id, conflict.id)).toMatchObject({ resolvedWith: "outlook" });
    expect(await rowOf(eventId)).toMatchObject({ title: "Cours (Outlook)" });
    await runExport(integrationId);
    expect((await mailboxEvents("lou"))[0]).toMatchObject({ subject: "Cours (Outlook)" });
  });

  it("refuses another user's conflict as not found", async () => {
    const { conflict } = await conflictOutlookWon("kim");
    const stranger: User = await ensureUser(database().db, {
      platformUserId: "stranger",
      email: "stranger@example.test",
      name: "Stranger",
      role: "learner",
    });
    await expect(resolveConflict(database().db, stranger.id, conflict.id)).rejects.toEqual(
      new DomainError("CONFLICT_NOT_FOUND", { id: conflict.id }),
    );
    expect(await rowOf(conflict.eventId ?? "")).toMatchObject({ title: "Cours (Outlook)" });
  });
});
