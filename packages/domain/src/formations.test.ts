import { agendaEvents, formations } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { and, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEMO_USERS, seedDemoData } from "./demo-seed";
import { DomainError } from "./errors";
import { getFormation, listFormations, listFormationsInput, upsertFormation, upsertFormationInput } from "./formations";
import { ensureUser, type PlatformPerson } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

const platform: Viewer = { kind: "service", serviceTokenId: "test", scopes: ["formations:write"] };
const people = (prefix: string) => {
  const make = (name: string, role: PlatformPerson["role"]): PlatformPerson => ({ platformUserId: `${prefix}-${name}`, email: `${prefix}.${name}@example.test`, name, role });
  return { trainer: make("trainer", "trainer"), otherTrainer: make("other", "trainer"), ana: make("ana", "learner"), bob: make("bob", "learner"), admin: make("admin", "admin") };
};

async function viewerOf(person: PlatformPerson): Promise<Viewer> {
  const user = await ensureUser(database().db, person);
  return { kind: "user", userId: user.id, role: user.role };
}

function formationInput(overrides: Record<string, unknown>) {
  return upsertFormationInput.parse({
    title: "Excel",
    startsAt: "2026-12-14T09:00:00+01:00",
    endsAt: "2026-12-14T12:00:00+01:00",
    timeZone: "Europe/Paris",
    ...overrides,
  });
}

async function liveEventsOf(formationId: string) {
  return database()
    .db.select({ ownerId: agendaEvents.ownerId, title: agendaEvents.title, startsAt: agendaEvents.startsAt })
    .from(agendaEvents)
    .where(and(eq(agendaEvents.formationId, formationId), isNull(agendaEvents.deletedAt)));
}

describe("formations", () => {
  it("mirror themselves into the agenda of every participant, and follow every change", async () => {
    const { db } = database();
    const p = people("mirror");
    const created = await upsertFormation(db, platform, formationInput({ externalId: "f-1", trainer: p.trainer, learners: [p.ana, p.bob] }));
    expect(created).toMatchObject({ title: "Excel", learnerCount: 2, version: 1, trainer: { name: "trainer" } });
    expect(await liveEventsOf(created.id)).toHaveLength(3);

    const moved = await upsertFormation(db, platform, formationInput({ externalId: "f-1", title: "Excel avancé", startsAt: "2026-12-15T09:00:00+01:00", endsAt: "2026-12-15T12:00:00+01:00", learners: [p.ana] }));
    expect(moved).toMatchObject({ id: created.id, version: 2, learnerCount: 1 });
    const events = await liveEventsOf(created.id);
    expect(events).toHaveLength(2);
    expect(events.every(({ title, startsAt }) => title === "Excel avancé" && startsAt.toISOString() === "2026-12-15T08:00:00.000Z")).toBe(true);

    await upsertFormation(db, platform, formationInput({ externalId: "f-1", title: "Excel avancé", status: "cancelled" }));
    expect(await liveEventsOf(created.id)).toHaveLength(0);
    expect(await db.select().from(formations).where(eq(formations.externalId, "f-1"))).toHaveLength(1);
  });

  it("are visible to their learners and trainer, to admins and to services with a scope, and to no one else", async () => {
    const { db } = database();
    const p = people("visibility");
    const excel = await upsertFormation(db, platform, formationInput({ trainer: p.trainer, learners: [p.ana] }));
    const ids = async (viewer: Viewer) => (await listFormations(db, viewer, listFormationsInput.parse({}))).map(({ id }) => id);

    expect(await ids(await viewerOf(p.ana))).toEqual([excel.id]);
    expect(await ids(await viewerOf(p.trainer))).toEqual([excel.id]);
    expect(await ids(await viewerOf(p.bob))).toEqual([]);
    expect(await ids(await viewerOf(p.otherTrainer))).toEqual([]);
    expect(await ids(await viewerOf(p.admin))).toContain(excel.id);
    await expect(getFormation(db, await viewerOf(p.bob), excel.id)).rejects.toSatisfy((error) => error instanceof DomainError && error.code === "FORMATION_NOT_FOUND");
    await expect(listFormations(db, { kind: "service", serviceTokenId: "x", scopes: [] }, listFormationsInput.parse({}))).rejects.toSatisfy(
      (error) => error instanceof DomainError && error.code === "FORBIDDEN",
    );
  });

  it("can be written by their own trainer, admins and services, never by learners or another trainer", async () => {
    const { db } = database();
    const p = people("writers");
    const trainer = await viewerOf(p.trainer);
    const own = await upsertFormation(db, trainer, formationInput({ title: "Mine" }));
    expect(own.trainer?.name).toBe("trainer");

    const refused = async (viewer: Viewer, input: ReturnType<typeof formationInput>, code: string) =>
      expect(upsertFormation(db, viewer, input)).rejects.toSatisfy((error) => error instanceof DomainError && error.code === code);
    await refused(await viewerOf(p.otherTrainer), formationInput({ id: own.id, title: "Taken over" }), "TRAINER_ONLY_OWN_FORMATIONS");
    await refused(await viewerOf(p.ana), formationInput({ title: "Learner's" }), "FORBIDDEN");
    await refused({ kind: "service", serviceTokenId: "x", scopes: ["formations:read"] }, formationInput({ title: "Read-only app" }), "FORBIDDEN");

    const renamed = await upsertFormation(db, await viewerOf(p.admin), formationInput({ id: own.id, title: "Renamed by admin" }));
    expect(renamed).toMatchObject({ title: "Renamed by admin", trainer: { name: "trainer" } });
  });

  it("seed the demo idempotently", async () => {
    const { db } = database();
    await seedDemoData(db, new Date("2026-11-24T08:00:00Z"));
    await seedDemoData(db, new Date("2026-11-25T08:00:00Z"));
    const learner = await viewerOf(DEMO_USERS.learner);
    const seen = await listFormations(db, learner, listFormationsInput.parse({}));
    expect(seen).toHaveLength(3);
    expect(seen[0]?.startsAt).toBe("2026-11-26T09:00:00.000Z");
  });
});
