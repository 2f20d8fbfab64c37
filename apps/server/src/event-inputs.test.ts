import { createAuthenticator, signSessionToken } from "@agenda/api";
import { ensureUser } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app";

const database = useTestDatabase();
const SECRET = "event-inputs-test-secret-long-enough-for-hs256";

let app: ReturnType<typeof createApp>;
let english: Record<string, string>;
let french: Record<string, string>;

beforeAll(async () => {
  const { db } = database();
  app = createApp({
    db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: null,
    outlook: null,
    sync: null,
  });
  const ana = await ensureUser(db, {
    platformUserId: "ana",
    email: "ana@example.test",
    name: "Ana",
    role: "learner",
    locale: "en",
  });
  const bea = await ensureUser(db, {
    platformUserId: "bea",
    email: "bea@example.test",
    name: "Béa",
    role: "learner",
    locale: "fr",
  });
  english = { authorization: `Bearer ${await signSessionToken(SECRET, ana)}`, "content-type": "application/json" };
  french = { authorization: `Bearer ${await signSessionToken(SECRET, bea)}`, "content-type": "application/json" };
});

const meeting = { title: "Réunion", startsAt: "2026-12-03T10:00:00+01:00", endsAt: "2026-12-03T11:00:00+01:00" };

const createEvent = (headers: Record<string, string>, body: unknown) =>
  app.request("/api/calendar/events", { method: "POST", headers, body: JSON.stringify(body) });
const trpcMutation = (path: string, headers: Record<string, string>, input: unknown) =>
  app.request(`/trpc/${path}`, { method: "POST", headers, body: JSON.stringify(input) });

describe("an event's time zone", () => {
  it("is stored and answered under its canonical name, however it was spelled", async () => {
    const created = await createEvent(english, { ...meeting, timeZone: "eUrOpE/pArIs" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(await (await app.request(`/api/calendar/events/${id}`, { headers: english })).json()).toMatchObject({
      timeZone: "Europe/Paris",
    });

    const updated = await trpcMutation("events.update", english, { id, timeZone: "america/NEW_york" });
    expect(((await updated.json()) as { result: { data: { timeZone: string } } }).result.data.timeZone).toBe(
      "America/New_York",
    );
  });
});

describe("an event's online meeting link", () => {
  it.each([
    ["javascript:alert(1)"],
    ["http://meet.example.test/room"],
    ["https://user:secret@meet.example.test/room"],
    ["data:text/html,<script>alert(1)</script>"],
  ])("is refused unless https, with a typed INVALID_INPUT: %s", async (onlineUrl) => {
    const rest = await createEvent(english, { ...meeting, onlineUrl });
    expect(rest.status).toBe(400);
    expect(await rest.json()).toEqual({
      error: {
        code: "INVALID_INPUT",
        message: "Invalid request: onlineUrl — an https:// link is expected, without user name or password.",
        issues: [{ path: "onlineUrl", message: "an https:// link is expected, without user name or password." }],
      },
    });

    const created = await createEvent(french, meeting);
    const { id } = (await created.json()) as { id: string };
    const trpc = await trpcMutation("events.update", french, { id, onlineUrl });
    const body = (await trpc.json()) as { error: { message: string; data: { appCode: string } } };
    expect(trpc.status).toBe(400);
    expect(body.error.data.appCode).toBe("INVALID_INPUT");
    expect(body.error.message).toContain("un lien https:// est attendu, sans identifiant ni mot de passe.");
  });

  it("is kept when https", async () => {
    const onlineUrl = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0";
    const created = await createEvent(english, { ...meeting, onlineUrl });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ onlineUrl });
  });
});
