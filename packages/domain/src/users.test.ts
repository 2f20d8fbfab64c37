import { useTestDatabase } from "@agenda/testing/database";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { getFormation, upsertFormation, upsertFormationInput } from "./formations";
import { ensureNamedPeople, ensureUser, searchUsers, searchUsersInput, setUserDeactivated } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

async function viewerWithRole(role: "learner" | "trainer" | "admin"): Promise<Viewer> {
  const user = await ensureUser(database().db, {
    platformUserId: `search-${role}`,
    email: `search-${role}@example.test`,
    name: `Searcher ${role}`,
    role,
  });
  return { kind: "user", userId: user.id, role: user.role };
}

const person = (platformUserId: string, name: string, email: string) => ({ platformUserId, name, email });

describe("searching users", () => {
  it("finds people by a part of their name or e-mail, whatever the case, by name", async () => {
    const { db } = database();
    await ensureNamedPeople(db, [
      person("p-zoe", "Zoé Lambert", "zoe.lambert@example.test"),
      person("p-anna", "Anna Zoelli", "anna@example.test"),
      person("p-marc", "Marc Petit", "marc@LAMBERT-conseil.test"),
      person("p-other", "Paul Durand", "paul@example.test"),
    ]);
    const trainer = await viewerWithRole("trainer");
    const byName = await searchUsers(db, trainer, searchUsersInput.parse({ query: "ZOE" }));
    // "Zoé" matches through her e-mail address, Anna through her name.
    expect(byName.map(({ name }) => name)).toEqual(["Anna Zoelli", "Zoé Lambert"]);
    const byEmail = await searchUsers(db, trainer, searchUsersInput.parse({ query: "lambert" }));
    expect(byEmail).toEqual([
      { id: expect.any(String), platformUserId: "p-marc", name: "Marc Petit", email: "marc@LAMBERT-conseil.test" },
      { id: expect.any(String), platformUserId: "p-zoe", name: "Zoé Lambert", email: "zoe.lambert@example.test" },
    ]);
  });

  it("takes % and _ literally, never as wildcards", async () => {
    const { db } = database();
    await ensureNamedPeople(db, [
      person("p-percent", "Cent % Sûr", "percent@example.test"),
      person("p-underscore", "Ab_cd", "ab@example.test"),
      person("p-plain", "Abxcd", "abx@example.test"),
    ]);
    const admin = await viewerWithRole("admin");
    const names = async (query: string) =>
      (await searchUsers(db, admin, searchUsersInput.parse({ query }))).map(({ name }) => name);
    expect(await names("% s")).toEqual(["Cent % Sûr"]);
    expect(await names("b_c")).toEqual(["Ab_cd"]);
    expect(await names("%%")).toEqual([]);
  });

  it("answers 20 people at most and leaves out those who left", async () => {
    const { db } = database();
    await ensureNamedPeople(
      db,
      Array.from({ length: 25 }, (_, index) =>
        person(`p-many-${index}`, `Nombreux ${String(index).padStart(2, "0")}`, `many${index}@example.test`),
      ),
    );
    const admin = await viewerWithRole("admin");
    await setUserDeactivated(db, admin, "p-many-0", true);
    const found = await searchUsers(db, admin, searchUsersInput.parse({ query: "nombreux", limit: 20 }));
    expect(found).toHaveLength(20);
    expect(found[0]?.name).toBe("Nombreux 01");
    expect(searchUsersInput.safeParse({ query: "nombreux", limit: 21 }).success).toBe(false);
  });

  it("needs two characters, and is for trainers and admins only", async () => {
    const { db } = database();
    expect(searchUsersInput.safeParse({ query: " a " }).success).toBe(false);
    const learner = await viewerWithRole("learner");
    await expect(searchUsers(db, learner, searchUsersInput.parse({ query: "searcher" }))).rejects.toThrow(DomainError);
    const service: Viewer = { kind: "service", serviceTokenId: "t", serviceName: "app", scopes: ["formations:write"] };
    await expect(searchUsers(db, service, searchUsersInput.parse({ query: "searcher" }))).rejects.toThrow(DomainError);
  });

  it("finds people a trainer enrols, whom the formation then gives back with the platform's id, to send again", async () => {
    const { db } = database();
    await ensureNamedPeople(db, [person("p-ines", "Inès Roux", "ines@example.test")]);
    const trainer = await viewerWithRole("trainer");
    const [ines] = await searchUsers(db, trainer, searchUsersInput.parse({ query: "roux" }));
    if (!ines) throw new Error("Inès not found");
    const { id: _userId, ...asNamed } = ines;
    const formation = await upsertFormation(
      db,
      trainer,
      upsertFormationInput.parse({
        title: "Premiers secours",
        timeZone: "Europe/Paris",
        sessions: [{ startsAt: "2026-12-21T09:00:00+01:00", endsAt: "2026-12-21T12:00:00+01:00" }],
        learners: [asNamed],
      }),
    );
    const { learners } = await getFormation(db, trainer, formation.id);
    expect(learners).toEqual([ines]);
    // What the planning form sends back when it adds someone: the learners as the formation gave them.
    const sentBack = upsertFormationInput.parse({
      id: formation.id,
      title: "Premiers secours",
      timeZone: "Europe/Paris",
      sessions: formation.sessions.map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
      learners,
    });
    expect(sentBack.learners).toEqual([asNamed]);
  });
});
