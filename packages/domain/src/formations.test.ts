import { agendaEvents, auditLog, formations } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { and, asc, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEMO_USERS, seedDemoData } from "./demo-seed";
import { DomainError } from "./errors";
import { getFormation, listFormations, listFormationsInput, upsertFormation, upsertFormationInput } from "./formations";
import { users } from "@agenda/db/schema";
import { ensureUser, type NamedPerson, type PlatformIdentity } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

const platform: Viewer = { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] };
const people = (prefix: string) => {
  const make = (name: string, role: PlatformIdentity["role"]): PlatformIdentity => ({
    platformUserId: `${prefix}-${name}`,
    email: `${prefix}.${name}@example.test`,
    name,
    role,
  });
  return {
    trainer: make("trainer", "trainer"),
    otherTrainer: make("other", "trainer"),
    ana: make("ana", "learner"),
    bob: make("bob", "learner"),
    admin: make("admin", "admin"),
  };
};

/** A person as a formation names them: who they are, never what role they have. */
const named = ({ platformUserId, email, name }: PlatformIdentity): NamedPerson => ({ platformUserId, email, name });

async function viewerOf(person: PlatformIdentity): Promise<Viewer> {
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
    const created = await upsertFormation(
      db,
      platform,
      formationInput({ externalId: "f-1", trainer: named(p.trainer), learners: [named(p.ana), named(p.bob)] }),
    );
    expect(created).toMatchObject({ title: "Excel", learnerCount: 2, version: 1, trainer: { name: "trainer" } });
    expect(await liveEventsOf(created.id)).toHaveLength(3);

    const moved = await upsertFormation(
      db,
      platform,
      formationInput({
        externalId: "f-1",
        title: "Excel avancé",
        startsAt: "2026-12-15T09:00:00+01:00",
        endsAt: "2026-12-15T12:00:00+01:00",
        learners: [named(p.ana)],
      }),
    );
    expect(moved).toMatchObject({ id: created.id, version: 2, learnerCount: 1 });
    const events = await liveEventsOf(created.id);
    expect(events).toHaveLength(2);
    expect(
      events.every(
        ({ title, startsAt }) => title === "Excel avancé" && startsAt.toISOString() === "2026-12-15T08:00:00.000Z",
      ),
    ).toBe(true);

    await upsertFormation(
      db,
      platform,
      formationInput({
        externalId: "f-1",
        title: "Excel avancé",
        status: "cancelled",
        cancellationReason: "Salle fermée",
      }),
    );
    // A cancelled formation stays in its participants' agendas, marked, so that people notice.
    const cancelled = await db
      .select()
      .from(agendaEvents)
      .where(and(eq(agendaEvents.formationId, created.id), isNull(agendaEvents.deletedAt)));
    expect(cancelled).toHaveLength(2);
    expect(
      cancelled.every(
        (row) => row.formationCancelled && row.cancellationReason === "Salle fermée" && row.showAs === "free",
      ),
    ).toBe(true);
    expect(await db.select().from(formations).where(eq(formations.externalId, "f-1"))).toHaveLength(1);
  });

  it("are visible to their learners and trainer, to admins and to services with a scope, and to no one else", async () => {
    const { db } = database();
    const p = people("visibility");
    const excel = await upsertFormation(
      db,
      platform,
      formationInput({ trainer: named(p.trainer), learners: [named(p.ana)] }),
    );
    const ids = async (viewer: Viewer) =>
      (await listFormations(db, viewer, listFormationsInput.parse({}))).map(({ id }) => id);

    expect(await ids(await viewerOf(p.ana))).toEqual([excel.id]);
    expect(await ids(await viewerOf(p.trainer))).toEqual([excel.id]);
    expect(await ids(await viewerOf(p.bob))).toEqual([]);
    expect(await ids(await viewerOf(p.otherTrainer))).toEqual([]);
    expect(await ids(await viewerOf(p.admin))).toContain(excel.id);
    await expect(getFormation(db, await viewerOf(p.bob), excel.id)).rejects.toSatisfy(
      (error) => error instanceof DomainError && error.code === "FORMATION_NOT_FOUND",
    );
    await expect(
      listFormations(
        db,
        { kind: "service", serviceTokenId: "x", serviceName: "x", scopes: [] },
        listFormationsInput.parse({}),
      ),
    ).rejects.toSatisfy((error) => error instanceof DomainError && error.code === "FORBIDDEN");
  });

  it("can be written by their own trainer, admins and services, never by learners or another trainer", async () => {
    const { db } = database();
    const p = people("writers");
    const trainer = await viewerOf(p.trainer);
    const own = await upsertFormation(db, trainer, formationInput({ title: "Mine" }));
    expect(own.trainer?.name).toBe("trainer");

    const refused = async (viewer: Viewer, input: ReturnType<typeof formationInput>, code: string) =>
      expect(upsertFormation(db, viewer, input)).rejects.toSatisfy(
        (error) => error instanceof DomainError && error.code === code,
      );
    await refused(
      await viewerOf(p.otherTrainer),
      formationInput({ id: own.id, title: "Taken over" }),
      "TRAINER_ONLY_OWN_FORMATIONS",
    );
    await refused(await viewerOf(p.ana), formationInput({ title: "Learner's" }), "FORBIDDEN");
    await refused(
      { kind: "service", serviceTokenId: "x", serviceName: "x", scopes: ["formations:read"] },
      formationInput({ title: "Read-only app" }),
      "FORBIDDEN",
    );

    const renamed = await upsertFormation(
      db,
      await viewerOf(p.admin),
      formationInput({ id: own.id, title: "Renamed by admin" }),
    );
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

  it("never set or change a role, nor the profile of someone already known, by naming people", async () => {
    const { db } = database();
    const p = people("roles");
    const trainer = await ensureUser(db, p.trainer);
    const admin = await ensureUser(db, p.admin);
    expect(() => formationInput({ trainer: { ...named(p.trainer), role: "admin" } })).toThrow(/roleFromPlatform/);
    expect(() => formationInput({ learners: [{ ...named(p.ana), role: "admin" }] })).toThrow(/roleFromPlatform/);

    await upsertFormation(
      db,
      await viewerOf(p.trainer),
      formationInput({ trainer: { ...named(p.trainer), name: "Renamed Trainer", email: "evil@example.test" } }),
    );
    await upsertFormation(
      db,
      platform,
      formationInput({
        trainer: named(p.otherTrainer),
        learners: [{ ...named(p.admin), email: "hijack@example.test" }, named(p.bob)],
      }),
    );

    const roleOf = async (platformUserId: string) =>
      (await db.select().from(users).where(eq(users.platformUserId, platformUserId)))[0];
    expect(await roleOf(p.trainer.platformUserId)).toMatchObject({
      id: trainer.id,
      role: "trainer",
      name: "trainer",
      email: p.trainer.email,
    });
    expect(await roleOf(p.admin.platformUserId)).toMatchObject({ id: admin.id, role: "admin", email: p.admin.email });
    // Named before ever signing in: known, and a learner until the platform says otherwise.
    expect(await roleOf(p.otherTrainer.platformUserId)).toMatchObject({ role: "learner" });
    expect(await roleOf(p.bob.platformUserId)).toMatchObject({ role: "learner" });
  });

  it("let whoever trains a formation see it, whatever role the platform gave them", async () => {
    const { db } = database();
    const p = people("trains");
    const excel = await upsertFormation(db, platform, formationInput({ trainer: named(p.otherTrainer) }));
    const namedTrainer = (
      await db.select().from(users).where(eq(users.platformUserId, p.otherTrainer.platformUserId))
    )[0];
    expect(namedTrainer?.role).toBe("learner");
    expect(
      (await getFormation(db, { kind: "user", userId: namedTrainer?.id ?? "", role: "learner" }, excel.id)).id,
    ).toBe(excel.id);
  });

  describe("externalIds belong to the caller that set them", () => {
    const catalogue: Viewer = {
      kind: "service",
      serviceTokenId: "catalogue-token-1",
      serviceName: "catalogue",
      scopes: ["formations:write"],
    };
    const rotatedCatalogue: Viewer = { ...catalogue, serviceTokenId: "catalogue-token-2" };
    const crm: Viewer = {
      kind: "service",
      serviceTokenId: "crm-token",
      serviceName: "crm",
      scopes: ["formations:write"],
    };

    it("so a trainer who claims an id first never captures what an app later upserts under it", async () => {
      const { db } = database();
      const p = people("capture");
      const squatted = await upsertFormation(
        db,
        await viewerOf(p.trainer),
        formationInput({ externalId: "catalogue-42", title: "Squat" }),
      );
      const fromCatalogue = await upsertFormation(
        db,
        catalogue,
        formationInput({ externalId: "catalogue-42", title: "Accessibilité", learners: [named(p.ana)] }),
      );
      expect(fromCatalogue.id).not.toBe(squatted.id);
      expect(fromCatalogue).toMatchObject({ title: "Accessibilité", version: 1, learnerCount: 1, trainer: null });
      expect(await getFormation(db, await viewerOf(p.trainer), squatted.id)).toMatchObject({
        title: "Squat",
        learnerCount: 0,
        version: 1,
      });

      const again = await upsertFormation(
        db,
        rotatedCatalogue,
        formationInput({ externalId: "catalogue-42", title: "Accessibilité (2)" }),
      );
      expect(again).toMatchObject({ id: fromCatalogue.id, version: 2 });
      const elsewhere = await upsertFormation(
        db,
        crm,
        formationInput({ externalId: "catalogue-42", title: "CRM's own" }),
      );
      expect(elsewhere.id).not.toBe(fromCatalogue.id);
      const ownAgain = await upsertFormation(
        db,
        await viewerOf(p.trainer),
        formationInput({ externalId: "catalogue-42", title: "Squat (2)" }),
      );
      expect(ownAgain).toMatchObject({ id: squatted.id, version: 2 });
    });

    it("and a caller editing someone else's formation by id keeps its externalId, never changes it", async () => {
      const { db } = database();
      const p = people("keep");
      const formation = await upsertFormation(
        db,
        catalogue,
        formationInput({ externalId: "catalogue-7", trainer: named(p.trainer) }),
      );
      const trainer = await viewerOf(p.trainer);
      const edited = await upsertFormation(
        db,
        trainer,
        formationInput({ id: formation.id, externalId: "catalogue-7", title: "Edited by its trainer" }),
      );
      expect(edited).toMatchObject({ id: formation.id, externalId: "catalogue-7", title: "Edited by its trainer" });
      await expect(
        upsertFormation(db, trainer, formationInput({ id: formation.id, externalId: "mine-now" })),
      ).rejects.toSatisfy((error) => error instanceof DomainError && error.code === "EXTERNAL_ID_FOREIGN");
      expect(
        await upsertFormation(
          db,
          catalogue,
          formationInput({ externalId: "catalogue-7", title: "Still the catalogue's" }),
        ),
      ).toMatchObject({ id: formation.id });
    });

    it("while formations from before namespaces are claimed by the first app upserting them, never by a trainer", async () => {
      const { db } = database();
      const p = people("legacy");
      const legacy = await upsertFormation(
        db,
        catalogue,
        formationInput({ externalId: "legacy-1", title: "Before namespaces" }),
      );
      await db.update(formations).set({ externalIdNamespace: null }).where(eq(formations.id, legacy.id));

      const trainers = await upsertFormation(
        db,
        await viewerOf(p.trainer),
        formationInput({ externalId: "legacy-1", title: "Trainer's" }),
      );
      expect(trainers.id).not.toBe(legacy.id);
      const claimed = await upsertFormation(
        db,
        catalogue,
        formationInput({ externalId: "legacy-1", title: "Claimed" }),
      );
      expect(claimed).toMatchObject({ id: legacy.id, title: "Claimed" });
      const [row] = await db.select().from(formations).where(eq(formations.id, legacy.id));
      expect(row?.externalIdNamespace).toBe("service:catalogue");
    });

    it("and two upserts of one new externalId at once make one formation", async () => {
      const { db } = database();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          upsertFormation(db, crm, formationInput({ externalId: "crm-race", title: `Race ${index}` })),
        ),
      );
      expect(new Set(results.map(({ id }) => id)).size).toBe(1);
    });
  });

  it("records who created, changed and cancelled a formation, and each enrolment change about its person", async () => {
    const { db } = database();
    const p = people("audited");
    const trainer = await viewerOf(p.trainer);
    const ana = await ensureUser(db, p.ana);
    const bob = await ensureUser(db, p.bob);
    const formation = await upsertFormation(
      db,
      trainer,
      formationInput({ title: "Audited", learners: [named(p.ana)] }),
    );
    await upsertFormation(
      db,
      trainer,
      formationInput({ id: formation.id, title: "Audited", learners: [named(p.ana)] }),
    );
    await upsertFormation(
      db,
      trainer,
      formationInput({ id: formation.id, title: "Audited again", location: "Salle 2", learners: [named(p.bob)] }),
    );
    await upsertFormation(
      db,
      platform,
      formationInput({ id: formation.id, title: "Audited again", location: "Salle 2", status: "cancelled" }),
    );

    const rows = await db.select().from(auditLog).where(eq(auditLog.subjectId, formation.id)).orderBy(asc(auditLog.id));
    expect(
      rows.map(({ action, userId, actorKind, actorLabel, detail }) => ({
        action,
        userId,
        actorKind,
        actorLabel,
        detail,
      })),
    ).toEqual([
      {
        action: "formation.created",
        userId: null,
        actorKind: "user",
        actorLabel: p.trainer.email,
        detail: expect.objectContaining({ status: "scheduled" }),
      },
      { action: "enrolment.added", userId: ana.id, actorKind: "user", actorLabel: p.trainer.email, detail: null },
      // Sent again unchanged: nothing recorded.
      {
        action: "formation.updated",
        userId: null,
        actorKind: "user",
        actorLabel: p.trainer.email,
        detail: { changed: ["title", "location"] },
      },
      { action: "enrolment.added", userId: bob.id, actorKind: "user", actorLabel: p.trainer.email, detail: null },
      { action: "enrolment.removed", userId: ana.id, actorKind: "user", actorLabel: p.trainer.email, detail: null },
      {
        action: "formation.cancelled",
        userId: null,
        actorKind: "service",
        actorLabel: "test",
        detail: { changed: ["status"] },
      },
    ]);
    expect(
      rows.every(({ subjectType, subjectLabel }) => subjectType === "formation" && subjectLabel?.startsWith("Audited")),
    ).toBe(true);
  });
});
