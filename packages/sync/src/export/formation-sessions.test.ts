import { agendaEvents, users } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import type { User } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { sandboxAdmin, type SandboxMailboxEvent } from "@agenda/testing/sandbox";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { runSync } from "../runs/sync-run";
import { connectTestUser } from "../testing/connect";
import { formationIdOf, mailboxOf, sessionIdOf, useTestMailboxes } from "../testing/mailboxes";
import type { LoggedRequest } from "../testing/sandbox-request-log";
import { exportFormations } from "./formation-writes";
import { importIntegration } from "../import/import-integration";
import { listConflicts } from "../reconcile/conflict-log";

const MAILBOXES = ["ana", "ben", "carla", "dan", "eve"];
const { database, sandbox, services, mailboxEvents } = useTestMailboxes(MAILBOXES);
const platform: Viewer = { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] };
const PLATFORM_URL = "https://platform.example.test";

async function connect(name: string): Promise<{ user: User; integrationId: string }> {
  const { user, integration } = await connectTestUser(services(), { name, mailbox: mailboxOf(name) });
  return { user, integrationId: integration.id };
}

async function runExport(integrationId: string) {
  return (
    await runSync(services(), integrationId, "export", "manual", (run) =>
      exportFormations(run, { platformUrl: PLATFORM_URL, retry: { baseDelayMs: 10, maxDelayMs: 100 } }),
    )
  ).result;
}

const runImport = async (integrationId: string) =>
  (await runSync(services(), integrationId, "import", "manual", (run) => importIntegration(run))).result;

async function requestLog(name: string): Promise<LoggedRequest[]> {
  return ((await sandboxAdmin(sandbox(), "GET", `/requests?mailbox=${mailboxOf(name)}`)) as { value: LoggedRequest[] })
    .value;
}

const personOf = (user: User) => ({ platformUserId: user.platformUserId, email: user.email, name: user.name });

type Session = { id?: string; startsAt: string; endsAt: string; location?: string | null };

/** Monday to Wednesday 9:00–17:00 in Paris; the second day online. */
const THREE_DAYS: Session[] = [
  { startsAt: "2026-09-14T09:00:00+02:00", endsAt: "2026-09-14T17:00:00+02:00" },
  { startsAt: "2026-09-15T09:00:00+02:00", endsAt: "2026-09-15T17:00:00+02:00", location: "Salle 7" },
  { startsAt: "2026-09-16T09:00:00+02:00", endsAt: "2026-09-16T17:00:00+02:00" },
];

function plan(externalId: string, learners: User[], sessions: Session[], changes: Record<string, unknown> = {}) {
  return upsertFormation(
    database().db,
    platform,
    upsertFormationInput.parse({
      externalId,
      title: "Excel",
      description: "Tableaux croisés",
      location: "Salle 3",
      timeZone: "Europe/Paris",
      learners: learners.map(personOf),
      sessions,
      ...changes,
    }),
  );
}

const sessionsOf = (formation: Formation): Session[] =>
  formation.sessions.map(({ id, startsAt, endsAt, location }) => ({ id, startsAt, endsAt, location }));

/** The mailbox's copies of the formation, by session id. */
async function copiesOf(name: string, formation: Formation): Promise<Map<string, SandboxMailboxEvent>> {
  const events = (await mailboxEvents(name)).filter((event) => formationIdOf(event) === formation.id);
  return new Map(events.map((event) => [sessionIdOf(event) ?? "untagged", event]));
}

const changeKeys = (copies: Map<string, SandboxMailboxEvent>) =>
  new Map([...copies].map(([sessionId, event]) => [sessionId, event.changeKey]));

async function rowVersions(user: User) {
  return database()
    .db.select({ id: agendaEvents.id, version: agendaEvents.version })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.ownerId, user.id), eq(agendaEvents.source, "formation")))
    .orderBy(asc(agendaEvents.id));
}

describe("formation sessions in Outlook", () => {
  it("are one event each, and a moved, removed or added session writes exactly its own copy", async () => {
    const ana = await connect("ana");
    const ben = await connect("ben");
    const created = await plan("three-days", [ana.user, ben.user], THREE_DAYS);
    const [first, second, third] = sessionsOf(created);
    if (!first?.id || !second?.id || !third?.id) throw new Error("three sessions expected");

    for (const { integrationId } of [ana, ben])
      expect(await runExport(integrationId)).toMatchObject({ created: 3, updated: 0, deleted: 0, failed: 0 });
    for (const name of ["ana", "ben"]) {
      const copies = await copiesOf(name, created);
      expect(await mailboxEvents(name)).toHaveLength(3);
      expect([...copies.keys()].sort()).toEqual([first.id, second.id, third.id].sort());
      expect(copies.get(first.id)).toMatchObject({ subject: "Excel (1/3)", location: { displayName: "Salle 3" } });
      expect(copies.get(second.id)).toMatchObject({ subject: "Excel (2/3)", location: { displayName: "Salle 7" } });
      expect(copies.get(third.id)?.subject).toBe("Excel (3/3)");
      // The sandbox admin API shows instants in UTC: 9:00 in Paris.
      expect(copies.get(first.id)?.start.dateTime).toBe("2026-09-14T07:00:00.0000000");
    }

    // Session 2 moves to the afternoon: only its copy changes, in both mailboxes.
    const before = { ana: changeKeys(await copiesOf("ana", created)), ben: changeKeys(await copiesOf("ben", created)) };
    await plan(
      "three-days",
      [ana.user, ben.user],
      [first, { ...second, startsAt: "2026-09-15T14:00:00+02:00", endsAt: "2026-09-15T18:00:00+02:00" }, third],
    );
    for (const [name, { integrationId }] of [
      ["ana", ana],
      ["ben", ben],
    ] as const) {
      expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 0, failed: 0 });
      const after = changeKeys(await copiesOf(name, created));
      expect(after.get(second.id)).not.toBe(before[name].get(second.id));
      expect(after.get(first.id)).toBe(before[name].get(first.id));
      expect(after.get(third.id)).toBe(before[name].get(third.id));
      expect((await copiesOf(name, created)).get(second.id)?.start.dateTime).toBe("2026-09-15T12:00:00.0000000");
    }

    // Session 3 is replaced by another day (still three sessions): one delete, one create, the others untouched.
    const kept = changeKeys(await copiesOf("ana", created));
    const moved = await plan(
      "three-days",
      [ana.user, ben.user],
      [
        first,
        { ...second, startsAt: "2026-09-15T14:00:00+02:00", endsAt: "2026-09-15T18:00:00+02:00" },
        { startsAt: "2026-09-18T09:00:00+02:00", endsAt: "2026-09-18T12:00:00+02:00" },
      ],
    );
    const fresh = moved.sessions[2]?.id ?? "";
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 1, updated: 0, deleted: 1, failed: 0 });
    const replaced = await copiesOf("ana", created);
    expect([...replaced.keys()].sort()).toEqual([first.id, second.id, fresh].sort());
    expect(replaced.get(fresh)?.subject).toBe("Excel (3/3)");
    expect(replaced.get(first.id)?.changeKey).toBe(kept.get(first.id));
    expect(replaced.get(second.id)?.changeKey).toBe(kept.get(second.id));

    // A fourth session is one more copy; the others' numbering "(n/3)" becomes "(n/4)", which is an update of their title.
    await plan(
      "three-days",
      [ana.user, ben.user],
      [...sessionsOf(moved), { startsAt: "2026-09-21T09:00:00+02:00", endsAt: "2026-09-21T12:00:00+02:00" }],
    );
    expect(await runExport(ana.integrationId)).toMatchObject({ created: 1, updated: 3, deleted: 0, failed: 0 });
    expect((await mailboxEvents("ana")).map(({ subject }) => subject).sort()).toEqual([
      "Excel (1/4)",
      "Excel (2/4)",
      "Excel (3/4)",
      "Excel (4/4)",
    ]);
  });

  it("write nothing for an identical upsert, and only the new learner's copies when one is added", async () => {
    const carla = await connect("carla");
    const created = await plan("same", [carla.user], THREE_DAYS);
    expect(await runExport(carla.integrationId)).toMatchObject({ created: 3 });
    const versions = await rowVersions(carla.user);
    const requests = (await requestLog("carla")).length;

    const again = await plan("same", [carla.user], sessionsOf(created));
    expect(again.version).toBe(created.version);
    expect(await rowVersions(carla.user)).toEqual(versions);
    expect(await runExport(carla.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    expect(await requestLog("carla")).toHaveLength(requests);

    const dan = await connect("dan");
    await plan("same", [carla.user, dan.user], sessionsOf(created));
    expect(await rowVersions(carla.user)).toEqual(versions);
    expect(await runExport(dan.integrationId)).toMatchObject({ created: 3, updated: 0, deleted: 0 });
    expect(await runExport(carla.integrationId)).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(await requestLog("carla")).toHaveLength(requests);
  });

  it("mark a cancellation on every copy in each person's language, and restore them when scheduled again", async () => {
    const { user: fr, integrationId: frIntegration } = await connect("ana");
    const { user: en, integrationId: enIntegration } = await connect("ben");
    await database().db.update(users).set({ locale: "en" }).where(eq(users.id, en.id));
    const created = await plan("cancel", [fr, en], THREE_DAYS, { title: "Word" });
    const sessions = sessionsOf(created);
    for (const integrationId of [frIntegration, enIntegration]) await runExport(integrationId);
    const keysBefore = changeKeys(await copiesOf("ana", created));

    await plan("cancel", [fr, en], sessions, {
      title: "Word",
      status: "cancelled",
      cancellationReason: "Formateur absent",
    });
    for (const integrationId of [frIntegration, enIntegration])
      expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 3, deleted: 0, failed: 0 });
    for (const [name, prefix] of [
      ["ana", "Annulé : "],
      ["ben", "Cancelled: "],
    ] as const) {
      const copies = [...(await copiesOf(name, created)).values()];
      expect(copies).toHaveLength(3);
      expect(copies.map(({ subject }) => subject).sort()).toEqual([1, 2, 3].map((n) => `${prefix}Word (${n}/3)`));
      for (const copy of copies) {
        expect(copy).toMatchObject({ showAs: "free", isReminderOn: false });
        expect(copy.body.content.replace(/<[^>]+>/g, " ").trim()).toMatch(
          /^(Cette formation est annulée|This formation is cancelled)\. +(Motif|Reason) ?: Formateur absent/,
        );
      }
    }
    // The copies are the same events, changed: the ids people may have noted stay.
    expect([...(await copiesOf("ana", created)).keys()].sort()).toEqual([...keysBefore.keys()].sort());

    await plan("cancel", [fr, en], sessions, { title: "Word" });
    expect(await runExport(frIntegration)).toMatchObject({ created: 0, updated: 3, deleted: 0, failed: 0 });
    const restored = [...(await copiesOf("ana", created)).values()];
    expect(restored.map(({ subject }) => subject).sort()).toEqual(["Word (1/3)", "Word (2/3)", "Word (3/3)"]);
    for (const copy of restored) {
      expect(copy).toMatchObject({ showAs: "busy", isReminderOn: true });
      expect(copy.body.content).not.toContain("annulée");
    }
  });

  it("put back only the session whose copy was edited in Outlook, and read a cancelled copy as the product's own", async () => {
    const { user, integrationId } = await connect("eve");
    const soon: Session[] = [
      { startsAt: "2027-01-11T09:00:00+01:00", endsAt: "2027-01-11T12:00:00+01:00" },
      { startsAt: "2027-01-18T09:00:00+01:00", endsAt: "2027-01-18T12:00:00+01:00" },
      { startsAt: "2027-01-25T09:00:00+01:00", endsAt: "2027-01-25T12:00:00+01:00" },
    ];
    const created = await plan("mondays", [user], soon, { title: "Anglais" });
    expect(await runExport(integrationId)).toMatchObject({ created: 3 });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 0 });
    const second = created.sessions[1]?.id ?? "";
    const copies = await copiesOf("eve", created);
    const keys = changeKeys(copies);

    await sandboxAdmin(sandbox(), "PATCH", `/mailboxes/${mailboxOf("eve")}/events/${copies.get(second)?.id}`, {
      subject: "Anglais (déplacé)",
    });
    expect(await runImport(integrationId)).toMatchObject({ toExport: 1 });
    expect(await runExport(integrationId)).toMatchObject({ created: 0, updated: 1, deleted: 0 });
    const putBack = await copiesOf("eve", created);
    expect(putBack.get(second)?.subject).toBe("Anglais (2/3)");
    for (const [sessionId, key] of keys) if (sessionId !== second) expect(putBack.get(sessionId)?.changeKey).toBe(key);
    const conflicts = (await listConflicts(database().db, user.id)).filter(
      ({ formationId }) => formationId === created.id,
    );
    expect(conflicts.map(({ kind }) => kind)).toEqual(["formation_changed_in_outlook"]);

    await plan("mondays", [user], sessionsOf(created), { title: "Anglais", status: "cancelled" });
    expect(await runExport(integrationId)).toMatchObject({ updated: 3 });
    // "Annulé : Anglais (1/3)" is what the product wrote: no put-back, no new conflict.
    expect(await runImport(integrationId)).toMatchObject({ toExport: 0 });
    expect(
      (await listConflicts(database().db, user.id)).filter(({ formationId }) => formationId === created.id),
    ).toHaveLength(1);
  });
});
