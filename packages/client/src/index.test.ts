import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { useTestDatabase } from "@agenda/testing/database";
import { startServerProcess, type ServerProcess } from "@agenda/testing/server-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agendaErrorCode, createAgendaClient } from "./index";

const database = useTestDatabase();
let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "agenda-client-test-"));
  await chmod(dataDir, 0o755);
  server = await startServerProcess({ DATABASE_URL: database().url, DATA_DIR: dataDir, DEMO_MODE: "true" });
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function demoToken(email: string): Promise<string> {
  const response = await fetch(`${server.url}/api/demo/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe("createAgendaClient against a running server", () => {
  it("drives a user's agenda with typed calls", async () => {
    const client = createAgendaClient({ url: server.url, token: await demoToken("lea.martin@formation.demo") });
    expect(await client.me.query()).toMatchObject({ kind: "user", email: "lea.martin@formation.demo" });

    const created = await client.events.create.mutate({
      title: "Révisions",
      startsAt: "2026-12-04T14:00:00+01:00",
      endsAt: "2026-12-04T16:00:00+01:00",
    });
    const [listed, formations] = await Promise.all([
      client.events.list.query({ from: "2026-12-04T00:00:00Z", to: "2026-12-05T00:00:00Z" }),
      client.formations.list.query({}),
    ]);
    expect(listed.map(({ id }) => id)).toEqual([created.id]);
    expect(formations).toHaveLength(3);
  });

  it("lets another internal app publish formations with a service token, and reports typed errors", async () => {
    const { token } = await createServiceToken(database().db, { name: "catalogue", scopes: ["formations:write"] });
    const client = createAgendaClient({ url: server.url, token, locale: "en" });
    const formation = await client.formations.upsert.mutate({
      externalId: "catalogue-42",
      title: "Accessibilité numérique",
      startsAt: "2026-12-08T09:00:00+01:00",
      endsAt: "2026-12-08T17:00:00+01:00",
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: "demo-learner", email: "lea.martin@formation.demo", name: "Léa Martin" }],
    });
    expect(formation).toMatchObject({ externalId: "catalogue-42", learnerCount: 1 });

    const failure = await client.events.list
      .query({ from: "2026-12-01T00:00:00Z", to: "2026-12-31T00:00:00Z" })
      .catch((error: unknown) => error);
    expect(agendaErrorCode(failure)).toBe("USER_ONLY");
    expect((failure as Error).message).toBe("Only signed-in users can do this, not service tokens.");
  });

  it("plans a formation in sessions with a typed call, moves one by its id, and reports a foreign session typed", async () => {
    const { token } = await createServiceToken(database().db, { name: "planner", scopes: ["formations:write"] });
    const client = createAgendaClient({ url: server.url, token, locale: "en" });
    const planned = await client.formations.upsert.mutate({
      externalId: "three-days",
      title: "Excel",
      location: "Salle 3",
      timeZone: "Europe/Paris",
      sessions: [
        { startsAt: "2026-12-14T09:00:00+01:00", endsAt: "2026-12-14T17:00:00+01:00" },
        { startsAt: "2026-12-15T09:00:00+01:00", endsAt: "2026-12-15T17:00:00+01:00", location: "Salle 7" },
        {
          startsAt: "2026-12-16T09:00:00+01:00",
          endsAt: "2026-12-16T12:00:00+01:00",
          onlineUrl: "https://meet.example.test/excel",
        },
      ],
      learners: [{ platformUserId: "demo-learner", email: "lea.martin@formation.demo", name: "Léa Martin" }],
    });
    expect(planned.sessions.map(({ position, location, onlineUrl }) => ({ position, location, onlineUrl }))).toEqual([
      { position: 1, location: null, onlineUrl: null },
      { position: 2, location: "Salle 7", onlineUrl: null },
      { position: 3, location: null, onlineUrl: "https://meet.example.test/excel" },
    ]);
    expect(planned).toMatchObject({ startsAt: "2026-12-14T08:00:00.000Z", endsAt: "2026-12-16T11:00:00.000Z" });
    expect(planned.learners?.map(({ email }) => email)).toEqual(["lea.martin@formation.demo"]);

    const [first, second, third] = planned.sessions;
    if (!first || !second || !third) throw new Error("three sessions expected");
    const moved = await client.formations.upsert.mutate({
      id: planned.id,
      title: "Excel",
      location: "Salle 3",
      timeZone: "Europe/Paris",
      sessions: [
        first,
        { ...second, startsAt: "2026-12-15T14:00:00+01:00", endsAt: "2026-12-15T18:00:00+01:00" },
        third,
      ],
    });
    expect(moved.sessions.map(({ id }) => id)).toEqual([first.id, second.id, third.id]);
    expect(moved.sessions[1]?.startsAt).toBe("2026-12-15T13:00:00.000Z");

    // The learner sees the sessions, not who else learns.
    const learner = createAgendaClient({ url: server.url, token: await demoToken("lea.martin@formation.demo") });
    expect(await learner.formations.get.query({ id: planned.id })).toMatchObject({
      learners: null,
      sessions: moved.sessions,
    });

    const other = await client.formations.upsert.mutate({
      title: "Word",
      timeZone: "Europe/Paris",
      startsAt: "2026-12-18T09:00:00+01:00",
      endsAt: "2026-12-18T12:00:00+01:00",
    });
    const failure = await client.formations.upsert
      .mutate({
        id: planned.id,
        title: "Excel",
        timeZone: "Europe/Paris",
        sessions: [{ ...first, id: other.sessions[0]?.id }],
      })
      .catch((error: unknown) => error);
    expect(agendaErrorCode(failure)).toBe("FORMATION_SESSION_FOREIGN");
  });
});
