import { agendaEvents, auditLog } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { and, asc, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  getFormation,
  listFormations,
  listFormationsInput,
  upsertFormation,
  upsertFormationInput,
  type Formation,
} from "./formations";
import { ensureUser, type NamedPerson, type PlatformIdentity } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

const platform: Viewer = { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] };

function person(prefix: string, name: string, role: PlatformIdentity["role"] = "learner"): PlatformIdentity {
  return { platformUserId: `${prefix}-${name}`, email: `${prefix}.${name}@example.test`, name, role };
}

const named = ({ platformUserId, email, name }: PlatformIdentity): NamedPerson => ({ platformUserId, email, name });

async function viewerOf(identity: PlatformIdentity): Promise<Viewer> {
  const user = await ensureUser(database().db, identity);
  return { kind: "user", userId: user.id, role: user.role };
}

/** Three days of a course, Monday to Wednesday 9:00–17:00 in Paris, given out of order. */
const THREE_DAYS = [
  { startsAt: "2026-12-16T09:00:00+01:00", endsAt: "2026-12-16T17:00:00+01:00" },
  { startsAt: "2026-12-14T09:00:00+01:00", endsAt: "2026-12-14T17:00:00+01:00", location: "Salle 2" },
  { startsAt: "2026-12-15T09:00:00+01:00", endsAt: "2026-12-15T17:00:00+01:00" },
];

function input(overrides: Record<string, unknown>) {
  return upsertFormationInput.parse({
    title: "Excel",
    location: "Salle 1",
    timeZone: "Europe/Paris",
    sessions: THREE_DAYS,
    ...overrides,
  });
}

/** Live agenda rows of the formation, with what they show and their version, by owner then start. */
async function rowsOf(formationId: string) {
  return database()
    .db.select({
      ownerId: agendaEvents.ownerId,
      sessionId: agendaEvents.formationSessionId,
      title: agendaEvents.title,
      location: agendaEvents.location,
      startsAt: agendaEvents.startsAt,
      version: agendaEvents.version,
      cancelled: agendaEvents.formationCancelled,
      reason: agendaEvents.cancellationReason,
      showAs: agendaEvents.showAs,
    })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.formationId, formationId), isNull(agendaEvents.deletedAt)))
    .orderBy(asc(agendaEvents.ownerId), asc(agendaEvents.startsAt));
}

const sessionsAsInput = (formation: Formation) =>
  formation.sessions.map(({ id, startsAt, endsAt, location, onlineUrl }) => ({
    id,
    startsAt,
    endsAt,
    location,
    onlineUrl,
  }));

describe("formation sessions", () => {
  it("are stored by start, numbered, and each becomes one agenda event per participant", async () => {
    const { db } = database();
    const formation = await upsertFormation(
      db,
      platform,
      input({
        externalId: "three-days",
        trainer: named(person("s1", "trainer", "trainer")),
        learners: [named(person("s1", "ana"))],
      }),
    );
    expect(formation.sessions.map(({ position, startsAt, location }) => ({ position, startsAt, location }))).toEqual([
      { position: 1, startsAt: "2026-12-14T08:00:00.000Z", location: "Salle 2" },
      { position: 2, startsAt: "2026-12-15T08:00:00.000Z", location: null },
      { position: 3, startsAt: "2026-12-16T08:00:00.000Z", location: null },
    ]);
    expect(formation).toMatchObject({ startsAt: "2026-12-14T08:00:00.000Z", endsAt: "2026-12-16T16:00:00.000Z" });

    const rows = await rowsOf(formation.id);
    expect(rows).toHaveLength(6);
    expect(rows.slice(0, 3).map(({ title, location }) => [title, location])).toEqual([
      ["Excel (1/3)", "Salle 2"],
      ["Excel (2/3)", "Salle 1"],
      ["Excel (3/3)", "Salle 1"],
    ]);
  });

  it("change one by one: a moved session changes only its own events; added and removed ones come and go", async () => {
    const { db } = database();
    const learners = [named(person("s2", "ana")), named(person("s2", "bob"))];
    const created = await upsertFormation(db, platform, input({ externalId: "moves", learners }));
    const before = await rowsOf(created.id);
    const [first, second, third] = sessionsAsInput(created);
    if (!first || !second || !third) throw new Error("three sessions expected");

    const moved = await upsertFormation(
      db,
      platform,
      input({
        externalId: "moves",
        sessions: [
          first,
          { ...second, startsAt: "2026-12-15T13:00:00+01:00", endsAt: "2026-12-15T18:00:00+01:00" },
          third,
        ],
      }),
    );
    expect(moved.sessions.map(({ id }) => id)).toEqual([first.id, second.id, third.id]);
    expect(moved.version).toBe(created.version + 1);
    const after = await rowsOf(created.id);
    const bumped = after.filter((row, index) => row.version !== before[index]?.version);
    expect(bumped.map(({ sessionId }) => sessionId)).toEqual([second.id, second.id]);

    // Without session 3, and with a new one: the ids of those kept stay theirs, the titles follow the new count.
    const changed = await upsertFormation(
      db,
      platform,
      input({
        externalId: "moves",
        sessions: [
          first,
          sessionsAsInput(moved)[1],
          { startsAt: "2026-12-21T09:00:00+01:00", endsAt: "2026-12-21T12:00:00+01:00" },
        ],
      }),
    );
    expect(changed.sessions.map(({ id }) => id).slice(0, 2)).toEqual([first.id, second.id]);
    expect(changed.sessions[2]?.id).not.toBe(third.id);
    const rows = await rowsOf(created.id);
    expect(rows.filter(({ sessionId }) => sessionId === third.id)).toHaveLength(0);
    expect(rows.filter(({ sessionId }) => sessionId === changed.sessions[2]?.id)).toHaveLength(2);
  });

  it("change nothing when the same formation is sent again: no version, no agenda row, no audit entry", async () => {
    const { db } = database();
    const learners = [named(person("s3", "ana"))];
    const created = await upsertFormation(db, platform, input({ externalId: "again", learners }));
    const rows = await rowsOf(created.id);
    const audited = await db.select().from(auditLog);

    const again = await upsertFormation(
      db,
      platform,
      input({ externalId: "again", learners, sessions: sessionsAsInput(created) }),
    );
    expect(again).toMatchObject({ version: created.version, updatedAt: created.updatedAt });
    expect(await rowsOf(created.id)).toEqual(rows);
    expect(await db.select().from(auditLog)).toHaveLength(audited.length);

    // One more learner: their rows are new, everyone else's stay as they were.
    const bob = await ensureUser(db, person("s3", "bob"));
    await upsertFormation(
      db,
      platform,
      input({
        externalId: "again",
        learners: [...learners, named(person("s3", "bob"))],
        sessions: sessionsAsInput(created),
      }),
    );
    const withBob = await rowsOf(created.id);
    expect(withBob.filter(({ ownerId }) => ownerId !== bob.id)).toEqual(rows);
    expect(withBob.filter(({ ownerId }) => ownerId === bob.id)).toHaveLength(3);
  });

  it("still take one block (startsAt/endsAt), which moves the formation's session instead of replacing it", async () => {
    const { db } = database();
    const block = (startsAt: string, endsAt: string) =>
      upsertFormationInput.parse({ externalId: "block", title: "Word", startsAt, endsAt, timeZone: "Europe/Paris" });
    const created = await upsertFormation(
      db,
      platform,
      block("2026-12-14T09:00:00+01:00", "2026-12-14T12:00:00+01:00"),
    );
    expect(created.sessions).toHaveLength(1);
    const moved = await upsertFormation(db, platform, block("2026-12-15T09:00:00+01:00", "2026-12-15T12:00:00+01:00"));
    expect(moved.sessions).toEqual([
      { ...created.sessions[0], startsAt: "2026-12-15T08:00:00.000Z", endsAt: "2026-12-15T11:00:00.000Z" },
    ]);
    expect(moved).toMatchObject({ startsAt: "2026-12-15T08:00:00.000Z", endsAt: "2026-12-15T11:00:00.000Z" });
  });

  it("refuse a session id of another formation, and inputs with no timing, a backwards session or a repeated id", async () => {
    const { db } = database();
    const other = await upsertFormation(db, platform, input({ externalId: "other" }));
    const mine = await upsertFormation(db, platform, input({ externalId: "mine" }));
    const foreign = other.sessions[0]?.id;
    const attempt = upsertFormation(
      db,
      platform,
      input({
        externalId: "mine",
        sessions: [{ id: foreign, startsAt: "2026-12-20T09:00:00+01:00", endsAt: "2026-12-20T10:00:00+01:00" }],
      }),
    );
    await expect(attempt).rejects.toMatchObject(new DomainError("FORMATION_SESSION_FOREIGN", { id: foreign ?? "" }));
    expect((await getFormation(db, platform, mine.id)).sessions).toEqual(mine.sessions);
    expect((await getFormation(db, platform, other.id)).sessions).toEqual(other.sessions);

    const messages = (value: Record<string, unknown>) =>
      upsertFormationInput
        .safeParse({ title: "X", timeZone: "Europe/Paris", ...value })
        .error?.issues.map(({ message }) => message);
    expect(messages({})).toEqual(["timingNeedsSessions"]);
    expect(messages({ sessions: [] })).toHaveLength(1);
    expect(
      messages({ sessions: [{ startsAt: "2026-12-20T10:00:00+01:00", endsAt: "2026-12-20T09:00:00+01:00" }] }),
    ).toEqual(["endBeforeStart"]);
    const id = "0d6f1b8e-3c1a-4f0e-9a43-4f2f9c1d2b7a";
    const twice = { id, startsAt: "2026-12-20T09:00:00+01:00", endsAt: "2026-12-20T10:00:00+01:00" };
    expect(messages({ sessions: [twice, twice] })).toEqual(["sessionRepeated"]);
  });

  it("show the learners to admins, apps and the formation's trainer, never to learners", async () => {
    const { db } = database();
    const trainer = person("s5", "trainer", "trainer");
    const ana = person("s5", "ana");
    const formation = await upsertFormation(
      db,
      platform,
      input({ externalId: "who", trainer: named(trainer), learners: [named(ana), named(person("s5", "bob"))] }),
    );
    expect(formation.learners?.map(({ name }) => name)).toEqual(["ana", "bob"]);
    for (const viewer of [await viewerOf(trainer), await viewerOf(person("s5", "admin", "admin")), platform])
      expect((await getFormation(db, viewer, formation.id)).learners).toHaveLength(2);
    const asAna = await viewerOf(ana);
    expect((await getFormation(db, asAna, formation.id)).learners).toBeNull();
    expect((await listFormations(db, asAna, listFormationsInput.parse({}))).map(({ learners }) => learners)).toEqual([
      null,
    ]);
    // Another trainer enrolled as a learner sees what learners see.
    const colleague = person("s5", "colleague", "trainer");
    await upsertFormation(db, platform, input({ externalId: "who", learners: [named(ana), named(colleague)] }));
    expect((await getFormation(db, await viewerOf(colleague), formation.id)).learners).toBeNull();
  });

  it("keep a cancellation's reason while cancelled, marking its events, and restore them when scheduled again", async () => {
    const { db } = database();
    const learners = [named(person("s6", "ana"))];
    const created = await upsertFormation(db, platform, input({ externalId: "cancel", learners }));
    const sessions = sessionsAsInput(created);
    const cancelled = await upsertFormation(
      db,
      platform,
      input({
        externalId: "cancel",
        learners,
        sessions,
        status: "cancelled",
        cancellationReason: "  Formateur malade ",
      }),
    );
    expect(cancelled).toMatchObject({ status: "cancelled", cancellationReason: "Formateur malade" });
    expect(
      (await rowsOf(created.id)).map(({ cancelled: marked, reason, showAs }) => ({ marked, reason, showAs })),
    ).toEqual(Array(3).fill({ marked: true, reason: "Formateur malade", showAs: "free" }));
    // Sent again without a reason, it keeps the one it has.
    const resent = await upsertFormation(
      db,
      platform,
      input({ externalId: "cancel", learners, sessions, status: "cancelled" }),
    );
    expect(resent).toMatchObject({ cancellationReason: "Formateur malade", version: cancelled.version });

    const restored = await upsertFormation(db, platform, input({ externalId: "cancel", learners, sessions }));
    expect(restored).toMatchObject({ status: "scheduled", cancellationReason: null });
    expect(
      (await rowsOf(created.id)).map(({ cancelled: marked, reason, showAs }) => ({ marked, reason, showAs })),
    ).toEqual(Array(3).fill({ marked: false, reason: null, showAs: "busy" }));
  });

  it("list by status, soonest or latest first", async () => {
    const { db } = database();
    const early = await upsertFormation(db, platform, input({ externalId: "early" }));
    const late = await upsertFormation(
      db,
      platform,
      input({
        externalId: "late",
        sessions: [{ startsAt: "2027-01-04T09:00:00+01:00", endsAt: "2027-01-04T12:00:00+01:00" }],
      }),
    );
    const gone = await upsertFormation(db, platform, input({ externalId: "gone", status: "cancelled" }));
    const ours = new Set([early.id, late.id, gone.id]);
    const ids = async (query: Record<string, unknown>) =>
      (await listFormations(db, platform, listFormationsInput.parse({ ...query, limit: 500 })))
        .map(({ id }) => id)
        .filter((id) => ours.has(id));
    expect(await ids({ status: "scheduled", order: "desc" })).toEqual([late.id, early.id]);
    expect(await ids({ status: "cancelled" })).toEqual([gone.id]);
  });
});
