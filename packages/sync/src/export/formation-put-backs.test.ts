import { agendaEvents, syncConflicts } from "@agenda/db/schema";
import type { Formation } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";
import { sandboxMailboxEvents } from "@agenda/testing/sandbox";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { importIntegration } from "../import/import-integration";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { mailboxOf, useTestMailboxes } from "../testing/mailboxes";
import { scheduleExcelFormation } from "../testing/formations";
import { exportFormations } from "./formation-writes";
import { isBatchEnvelope, type LoggedRequest } from "../testing/sandbox-request-log";

const MAILBOXES = ["fay", "gus", "hal"];
const { database, sandbox, services, admin } = useTestMailboxes(MAILBOXES);
const PLATFORM_URL = "https://platform.example.test";
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 100 };

const runImport = async (integrationId: string) =>
  (await runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run))).result;

async function runExport(integrationId: string) {
  const { result, stats } = await runSync(services(), integrationId, "export", "manual", (run) =>
    exportFormations(run, { platformUrl: PLATFORM_URL, retry: FAST_RETRY }),
  );
  return { ...result, issues: stats.issues };
}

/** What Outlook answered the mailbox's requests since the log was last cleared, batch envelopes left out. */
async function callsTo(name: string): Promise<string[]> {
  const log = ((await admin("GET", `/requests?mailbox=${mailboxOf(name)}`)) as { value: LoggedRequest[] }).value.filter(
    (entry) => !isBatchEnvelope(entry),
  );
  return log.map(({ method, status }) => `${method} ${status}`);
}

/** A user whose formation (in a week, in Paris, in "Salle 3") has its copy in Outlook, the import having read it back. */
async function exportedFormation(name: string): Promise<{
  user: User;
  integrationId: string;
  formation: Formation;
  editCopy: (changes: Record<string, unknown>) => Promise<unknown>;
}> {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  const formation = await scheduleExcelFormation(database().db, user);
  expect(await runExport(integration.id)).toMatchObject({ created: 1 });
  expect(await runImport(integration.id)).toMatchObject({ toExport: 0 });
  const { graphEventId } = await formationRow(user);
  return {
    user,
    integrationId: integration.id,
    formation,
    editCopy: (changes) => admin("PATCH", `/mailboxes/${mailboxOf(name)}/events/${graphEventId}`, changes),
  };
}

async function formationRow(user: User) {
  const [row] = await database()
    .db.select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.source, "formation")));
  if (!row) throw new Error("no formation row");
  return row;
}

async function conflictTitles(user: User) {
  const conflicts = await database()
    .db.select()
    .from(syncConflicts)
    .where(eq(syncConflicts.ownerId, user.id))
    .orderBy(asc(syncConflicts.detectedAt));
  return conflicts.map(({ kind, winner, outlookVersion }) => ({ kind, winner, outlook: outlookVersion?.title }));
}

const changed = (title: string) => ({ kind: "formation_changed_in_outlook", winner: "platform", outlook: title });

describe("putting back a formation copy edited in Outlook (If-Match)", () => {
  it("re-reads a copy edited again after the import, logs that edit too, and puts the formation back over it", async () => {
    const { user, integrationId, editCopy } = await exportedFormation("fay");
    await editCopy({ subject: "Mon Excel" });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 1 });
    // Between the import and the put-back: an unconditional write would overwrite this edit unseen.
    await editCopy({
      subject: "Mon Excel à moi",
      location: { displayName: "Chez moi" },
      reminderMinutesBeforeStart: 5,
    });
    await admin("DELETE", "/requests");

    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect(await callsTo("fay")).toEqual(["PATCH 412", "GET 200", "PATCH 200"]);
    const [copy] = await sandboxMailboxEvents(sandbox(), mailboxOf("fay"));
    expect(copy).toMatchObject({
      subject: "Excel avancé",
      location: expect.objectContaining({ displayName: "Salle 3" }),
      reminderMinutesBeforeStart: 5,
    });
    expect(await conflictTitles(user)).toEqual([changed("Mon Excel"), changed("Mon Excel à moi")]);
    expect(await formationRow(user)).toMatchObject({ syncStatus: "synced", graphChangeKey: copy?.changeKey });
    // Settled: the import reads the put-back copy as an echo.
    expect(await runImport(integrationId)).toMatchObject({ toExport: 0 });
    expect(await runExport(integrationId)).toMatchObject({ updated: 0 });
  });

  it("writes nothing when the edit that landed meanwhile gave the copy the formation's time, title and place back", async () => {
    const { user, integrationId, editCopy } = await exportedFormation("gus");
    await editCopy({ location: { displayName: "Salle 9" } });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 1 });
    await editCopy({ location: { displayName: "Salle 3" }, showAs: "tentative" });
    await admin("DELETE", "/requests");

    expect(await runExport(integrationId)).toMatchObject({ updated: 0, failed: 0 });
    expect(await callsTo("gus")).toEqual(["PATCH 412", "GET 200"]);
    const [copy] = await sandboxMailboxEvents(sandbox(), mailboxOf("gus"));
    expect(copy).toMatchObject({ location: expect.objectContaining({ displayName: "Salle 3" }), showAs: "tentative" });
    expect(await conflictTitles(user)).toEqual([changed("Excel avancé")]);
    expect(await formationRow(user)).toMatchObject({ syncStatus: "synced", graphChangeKey: copy?.changeKey });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 0 });
  });

  it("gives up for the run after 3 rewrites of a copy that keeps changing, and puts it back on the next export", async () => {
    const { user, integrationId, editCopy } = await exportedFormation("hal");
    await editCopy({ subject: "Mon Excel" });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 1 });
    await admin("DELETE", "/requests");
    await admin("PATCH", "/faults", {
      scripted: [{ method: "PATCH", pathContains: "/events/", status: 412, count: 10 }],
    });
    try {
      const kept = await runExport(integrationId);
      expect(kept).toMatchObject({ updated: 0, failed: 1 });
      expect(kept.issues).toEqual([
        expect.objectContaining({ status: 412, message: expect.stringMatching(/kept changing/) }),
      ]);
    } finally {
      await admin("PUT", "/faults", {});
    }
    expect(await callsTo("hal")).toEqual(Array.from({ length: 4 }, () => ["PATCH 412", "GET 200"]).flat());
    expect(await formationRow(user)).toMatchObject({ syncStatus: "pending" });

    expect(await runExport(integrationId)).toMatchObject({ updated: 1, failed: 0 });
    expect((await sandboxMailboxEvents(sandbox(), mailboxOf("hal")))[0]?.subject).toBe("Excel avancé");
    expect(await conflictTitles(user)).toEqual([changed("Mon Excel")]);
  });
});
