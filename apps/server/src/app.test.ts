import { createAuthenticator, signSessionToken } from "@agenda/api";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";
import { createDemoMode } from "./demo";
import { seedDemoData } from "@agenda/domain/demo-seed";

const database = useTestDatabase();
const SECRET = "app-test-secret-long-enough-for-hs256-signing";

let app: ReturnType<typeof createApp>;
let anaToken: string;
let benToken: string;
let serviceToken: string;

beforeAll(async () => {
  const { db } = database();
  app = createApp({
    db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: createDemoMode(db, SECRET),
    outlook: null,
    sync: null,
  });
  await seedDemoData(db);
  const ana = await ensureUser(db, {
    platformUserId: "ana",
    email: "ana@example.test",
    name: "Ana",
    role: "learner",
    locale: "fr",
  });
  const ben = await ensureUser(db, {
    platformUserId: "ben",
    email: "ben@example.test",
    name: "Ben",
    role: "learner",
    locale: "en",
  });
  anaToken = await signSessionToken(SECRET, ana);
  benToken = await signSessionToken(SECRET, ben);
  serviceToken = (await createServiceToken(db, { name: "catalogue", scopes: ["formations:write"] })).token;
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (token: string) => ({ ...bearer(token), "content-type": "application/json" });
const december = "from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z";
const meeting = { title: "Réunion", startsAt: "2026-12-03T10:00:00+01:00", endsAt: "2026-12-03T11:00:00+01:00" };

async function trpcQuery(path: string, input: unknown, token: string) {
  return app.request(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: bearer(token) });
}
async function trpcMutation(path: string, input: unknown, token: string) {
  return app.request(`/trpc/${path}`, { method: "POST", headers: json(token), body: JSON.stringify(input) });
}

describe("the REST doors of the spec", () => {
  it("create, read, update, list and delete the caller's events", async () => {
    const created = await app.request("/api/calendar/events", {
      method: "POST",
      headers: json(anaToken),
      body: JSON.stringify(meeting),
    });
    expect(created.status).toBe(201);
    const event = (await created.json()) as { id: string; version: number };

    const updated = await app.request(`/api/calendar/events/${event.id}`, {
      method: "PUT",
      headers: json(anaToken),
      body: JSON.stringify({ title: "Réunion d'équipe", expectedVersion: 1 }),
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      title: "Réunion d'équipe",
      version: 2,
      startsAt: "2026-12-03T09:00:00.000Z",
    });

    const listed = await app.request(`/api/calendar/events?${december}`, { headers: bearer(anaToken) });
    expect(((await listed.json()) as { events: { id: string }[] }).events.map(({ id }) => id)).toEqual([event.id]);

    const deleted = await app.request(`/api/calendar/events/${event.id}`, {
      method: "DELETE",
      headers: bearer(anaToken),
    });
    expect(deleted.status).toBe(204);
    const gone = await app.request(`/api/calendar/events/${event.id}`, { headers: bearer(anaToken) });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      error: { code: "EVENT_NOT_FOUND", message: `Événement introuvable (${event.id}).` },
    });
  });

  it("list a documented window when the spec's GET names no range, and say which", async () => {
    const inside = await app.request("/api/calendar/events", {
      method: "POST",
      headers: json(anaToken),
      body: JSON.stringify({
        ...meeting,
        title: "Bientôt",
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      }),
    });
    const { id } = (await inside.json()) as { id: string };
    const listed = await app.request("/api/calendar/events", { headers: bearer(anaToken) });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { from: string; to: string; events: Array<{ id: string }> };
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(120 * 86_400_000);
    expect(Math.abs(Date.parse(body.from) - (Date.now() - 30 * 86_400_000))).toBeLessThan(60_000);
    expect(body.events.map((event) => event.id)).toContain(id);
    const explicit = (await (
      await app.request(`/api/calendar/events?${december}`, { headers: bearer(anaToken) })
    ).json()) as { from: string; to: string };
    expect(explicit).toMatchObject({ from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z" });
  });

  it("answer exactly what the tRPC door answers", async () => {
    await trpcMutation("events.create", { ...meeting, title: "Par tRPC" }, benToken);
    const viaTrpc = (await (
      await trpcQuery("events.list", { from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z" }, benToken)
    ).json()) as { result: { data: unknown } };
    const viaRest = (await (
      await app.request(`/api/calendar/events?${december}`, { headers: bearer(benToken) })
    ).json()) as { events: unknown };
    expect(viaRest.events).toEqual(viaTrpc.result.data);
    expect(viaRest.events).toHaveLength(1);
  });
});

describe("a user never reaches another user's events", () => {
  it("through either door", async () => {
    const created = await app.request("/api/calendar/events", {
      method: "POST",
      headers: json(anaToken),
      body: JSON.stringify({ ...meeting, title: "Privé" }),
    });
    const { id } = (await created.json()) as { id: string };

    expect((await app.request(`/api/calendar/events/${id}`, { headers: bearer(benToken) })).status).toBe(404);
    expect(
      (
        await app.request(`/api/calendar/events/${id}`, {
          method: "PUT",
          headers: json(benToken),
          body: JSON.stringify({ title: "Volé" }),
        })
      ).status,
    ).toBe(404);
    expect(
      (await app.request(`/api/calendar/events/${id}`, { method: "DELETE", headers: bearer(benToken) })).status,
    ).toBe(404);
    expect((await trpcQuery("events.get", { id }, benToken)).status).toBe(404);
    expect((await trpcMutation("events.update", { id, title: "Volé" }, benToken)).status).toBe(404);
    expect((await trpcMutation("events.delete", { id }, benToken)).status).toBe(404);

    const still = await app.request(`/api/calendar/events/${id}`, { headers: bearer(anaToken) });
    expect(await still.json()).toMatchObject({ title: "Privé", version: 1 });
  });
});

describe("bad input gets a 4xx with a clear body", () => {
  const errorOf = async (response: Response) => ({
    status: response.status,
    body: (await response.json()) as { error: { code: string; message: string } },
  });

  it.each([
    [
      "an inverted range",
      "from=2026-12-31T00:00:00Z&to=2026-12-01T00:00:00Z",
      "to — la fin de la période doit suivre son début.",
    ],
    [
      "a range over 366 days",
      "from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z",
      "la période demandée dépasse 366 jours",
    ],
    ["an unreadable start", "from=yesterday", "from"],
    ["a date without offset", "from=2026-01-01T00:00:00&to=2026-02-01T00:00:00Z", "from"],
  ])("%s → 400", async (_, query, fragment) => {
    const { status, body } = await errorOf(
      await app.request(`/api/calendar/events?${query}`, { headers: bearer(anaToken) }),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe("INVALID_INPUT");
    expect(body.error.message).toContain(fragment);
  });

  it("answers an unknown or malformed id, a malformed body, a huge body and bad tokens", async () => {
    expect(
      await errorOf(
        await app.request("/api/calendar/events/6f1c2a9e-0000-4000-8000-000000000000", { headers: bearer(anaToken) }),
      ),
    ).toMatchObject({ status: 404, body: { error: { code: "EVENT_NOT_FOUND" } } });
    expect(
      await errorOf(await app.request("/api/calendar/events/not-a-uuid", { headers: bearer(anaToken) })),
    ).toMatchObject({ status: 400, body: { error: { code: "INVALID_INPUT" } } });
    expect(
      await errorOf(
        await app.request("/api/calendar/events", { method: "POST", headers: json(anaToken), body: "{not json" }),
      ),
    ).toMatchObject({ status: 400, body: { error: { code: "MALFORMED_JSON" } } });

    const huge = JSON.stringify({ ...meeting, body: "x".repeat(1_100_000) });
    expect(
      await errorOf(await app.request("/api/calendar/events", { method: "POST", headers: json(anaToken), body: huge })),
    ).toMatchObject({ status: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
    expect(
      await errorOf(await trpcMutation("events.create", { ...meeting, body: "x".repeat(1_100_000) }, anaToken)),
    ).toMatchObject({ status: 413 });

    const malformed = await errorOf(
      await app.request(`/api/calendar/events?${december}`, {
        headers: { authorization: "Bearer abc.def.ghi", "accept-language": "en" },
      }),
    );
    expect(malformed).toEqual({
      status: 401,
      body: { error: { code: "TOKEN_INVALID", message: "Invalid or expired access token: sign in again." } },
    });
    expect(await errorOf(await app.request(`/api/calendar/events?${december}`))).toMatchObject({
      status: 401,
      body: { error: { code: "UNAUTHENTICATED" } },
    });
    expect(
      await errorOf(await app.request(`/api/calendar/events?${december}`, { headers: bearer(serviceToken) })),
    ).toMatchObject({ status: 403, body: { error: { code: "USER_ONLY" } } });
  });

  it("answers errors in the caller's language through tRPC too", async () => {
    const response = await trpcQuery("events.get", { id: "6f1c2a9e-0000-4000-8000-000000000000" }, benToken);
    const body = (await response.json()) as {
      error: { message: string; data: { appCode: string; httpStatus: number } };
    };
    expect(response.status).toBe(404);
    expect(body.error).toMatchObject({
      message: "Event not found (6f1c2a9e-0000-4000-8000-000000000000).",
      data: { appCode: "EVENT_NOT_FOUND", httpStatus: 404 },
    });
  });

  it("answers in the interface's language when it names one, over the profile's and Accept-Language", async () => {
    const missing = "6f1c2a9e-0000-4000-8000-000000000000";
    const messageOf = async (token: string, headers: Record<string, string>) =>
      (
        (await (
          await app.request(`/api/calendar/events/${missing}`, { headers: { ...bearer(token), ...headers } })
        ).json()) as { error: { message: string } }
      ).error.message;
    expect(await messageOf(anaToken, { "x-agenda-locale": "en", "accept-language": "fr" })).toBe(
      `Event not found (${missing}).`,
    );
    expect(await messageOf(benToken, { "x-agenda-locale": "fr" })).toBe(`Événement introuvable (${missing}).`);
    // A language the API does not speak leaves the profile's.
    expect(await messageOf(benToken, { "x-agenda-locale": "de" })).toBe(`Event not found (${missing}).`);
    const anonymous = await errorOf(
      await app.request(`/api/calendar/events?${december}`, {
        headers: { "x-agenda-locale": "en", "accept-language": "fr" },
      }),
    );
    expect(anonymous.body.error.message).toMatch(/^Authentication required/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    expect(
      await errorOf(await app.request("/api/nothing-here", { headers: { "accept-language": "en" } })),
    ).toMatchObject({ status: 404, body: { error: { code: "ROUTE_NOT_FOUND" } } });
  });
});

describe("demo sign-in", () => {
  it("issues session tokens for the seeded users only", async () => {
    const signIn = (email: string) =>
      app.request("/api/demo/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
    const response = await signIn("lea.martin@formation.demo");
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const me = await app.request("/api/me", { headers: bearer(token) });
    expect(await me.json()).toMatchObject({ kind: "user", email: "lea.martin@formation.demo", role: "learner" });
    const events = await app.request(
      `/api/calendar/events?from=${new Date().toISOString()}&to=${new Date(Date.now() + 30 * 86_400_000).toISOString()}`,
      { headers: bearer(token) },
    );
    expect(
      ((await events.json()) as { events: { source: string }[] }).events.filter(({ source }) => source === "formation"),
    ).toHaveLength(3);

    expect((await signIn("ana@example.test")).status).toBe(404);
  });

  it("does not exist outside demo mode", async () => {
    const production = createApp({
      db: database().db,
      authenticator: createAuthenticator({ secret: SECRET }),
      demo: null,
      outlook: null,
      sync: null,
    });
    const response = await production.request("/api/demo/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "lea.martin@formation.demo" }),
    });
    expect(response.status).toBe(404);
    expect((await production.request("/demo")).status).toBe(404);
  });
});
