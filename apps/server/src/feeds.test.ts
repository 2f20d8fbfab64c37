import { createHash } from "node:crypto";
import { createAuthenticator, signSessionToken } from "@agenda/api";
import { auditLog, calendarFeeds } from "@agenda/db/schema";
import { formationSessionUid } from "@agenda/domain/calendar-feeds";
import { upsertFormation, upsertFormationInput, type Formation } from "@agenda/domain/formations";
import { ensureUser, setUserDeactivated, type User } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { createLogger } from "@agenda/observability/logger";
import { createTokenVault, generateVaultKey, parseVaultKey } from "@agenda/sync/token-vault";
import { useTestDatabase } from "@agenda/testing/database";
import { readCalendar } from "@agenda/testing/icalendar";
import { and, asc, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "./app";
import type { RateLimits } from "./rate-limit";

const database = useTestDatabase();
const SECRET = "feeds-test-secret-long-enough-for-hs256-signing";
const ORIGIN = "https://agenda.example.test";
const PLATFORM_URL = "https://platform.example.test";
const catalogue: Viewer = {
  kind: "service",
  serviceTokenId: "catalogue",
  serviceName: "catalogue",
  scopes: ["formations:write"],
};
const vault = createTokenVault(parseVaultKey(generateVaultKey("k1")));

interface FeedView {
  enabled: boolean;
  url: string;
  webcalUrl: string;
  outlookUrl: string;
  googleUrl: string;
  includePersonalEvents: boolean;
}

function appWith(options: { rateLimits?: Partial<RateLimits>; logLines?: string[] } = {}) {
  const rateLimits = options.rateLimits && {
    perUserPerMinute: 1000,
    perServiceTokenPerMinute: 1000,
    perAddressPerMinute: 1000,
    rejectedWebhooksPerAddressPerMinute: 1000,
    perFeedPerMinute: 1000,
    ...options.rateLimits,
  };
  const lines = options.logLines;
  const logger =
    lines &&
    createLogger({ level: "info", name: "server", destination: { write: (line: string) => lines.push(line) } });
  return createApp({
    db: database().db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: null,
    outlook: null,
    sync: null,
    calendarFeeds: { origin: ORIGIN, platformUrl: PLATFORM_URL, sealer: vault },
    rateLimits,
    logger,
  });
}

type App = ReturnType<typeof appWith>;

async function signedIn(name: string): Promise<{ user: User; headers: Record<string, string> }> {
  const user = await ensureUser(database().db, {
    platformUserId: `feeds-${name}`,
    email: `${name}@example.test`,
    name,
    role: "learner",
    locale: "en",
  });
  return { user, headers: { authorization: `Bearer ${await signSessionToken(SECRET, user)}` } };
}

async function turnOn(app: App, headers: Record<string, string>): Promise<FeedView> {
  const response = await app.request("/api/calendar/feed/rotate", { method: "POST", headers });
  expect(response.status).toBe(200);
  return (await response.json()) as FeedView;
}

/** What a calendar app polling the address gets. */
const poll = (app: App, view: FeedView, headers: Record<string, string> = {}) =>
  app.request(new URL(view.url).pathname, { headers });

/** The UID of a formation's (first) session. */
const uidOf = (formation: Formation) => formationSessionUid(formation.sessions[0]?.id ?? "no session");
const named = (user: User) => ({ platformUserId: user.platformUserId, email: user.email, name: user.name });

describe("a person's private calendar feed", () => {
  it("is turned on, shown again, rotated (the former address answers 404 at once) and turned off, each step audited, the secret stored only hashed and sealed", async () => {
    const { db } = database();
    const app = appWith();
    const { user, headers } = await signedIn("lea");
    expect(await (await app.request("/api/calendar/feed", { headers })).json()).toEqual({ enabled: false });

    const first = await turnOn(app, headers);
    const secret = /^https:\/\/agenda\.example\.test\/feeds\/(agd_ics_[\w-]{43})\.ics$/.exec(first.url)?.[1] ?? "";
    expect(secret).not.toBe("");
    expect(first).toMatchObject({
      enabled: true,
      includePersonalEvents: false,
      webcalUrl: `webcal://agenda.example.test/feeds/${secret}.ics`,
      outlookUrl: `https://outlook.office.com/calendar/0/addfromweb?url=${encodeURIComponent(first.url)}&name=My%20formations`,
      googleUrl: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(`webcal://agenda.example.test/feeds/${secret}.ics`)}`,
    });
    expect(await (await app.request("/api/calendar/feed", { headers })).json()).toMatchObject({
      enabled: true,
      url: first.url,
    });
    expect((await poll(app, first)).status).toBe(200);

    const [row] = await db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, user.id));
    expect(row?.secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret.slice("agd_ics_".length));

    const second = await turnOn(app, headers);
    expect(second.url).not.toBe(first.url);
    const refused = await poll(app, first, { "accept-language": "en" });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      error: { code: "CALENDAR_FEED_NOT_FOUND", message: expect.stringContaining("replaced or turned off") },
    });
    expect((await poll(app, second)).status).toBe(200);

    expect((await app.request("/api/calendar/feed", { method: "DELETE", headers })).status).toBe(204);
    expect((await poll(app, second)).status).toBe(404);
    expect(await (await app.request("/api/calendar/feed", { headers })).json()).toEqual({ enabled: false });

    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, user.id), like(auditLog.action, "calendar_feed.%")))
      .orderBy(asc(auditLog.id));
    expect(audited.map(({ action, outcome, actorUserId }) => ({ action, outcome, actorUserId }))).toEqual(
      ["calendar_feed.created", "calendar_feed.rotated", "calendar_feed.deleted"].map((action) => ({
        action,
        outcome: "success",
        actorUserId: user.id,
      })),
    );
    expect(audited.every(({ requestId }) => requestId)).toBe(true);
    expect(JSON.stringify(audited)).not.toContain("agd_ics_");
  });

  it("gives a calendar app the person's formations as text/calendar, answers 304 to a matching If-None-Match or If-Modified-Since, and a new ETag once they change", async () => {
    const { db } = database();
    const app = appWith();
    const { user, headers } = await signedIn("noe");
    const formation = await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        title: "Accessibilité",
        startsAt: "2027-03-28T09:00:00+02:00",
        endsAt: "2027-03-28T17:00:00+02:00",
        timeZone: "Europe/Paris",
        learners: [named(user)],
      }),
    );
    const view = await turnOn(app, headers);

    const answer = await poll(app, view);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(answer.headers.get("cache-control")).toBe("private, no-cache");
    const etag = answer.headers.get("etag") ?? "";
    const lastModified = answer.headers.get("last-modified") ?? "";
    expect(etag).toMatch(/^W\/"[\w-]{43}"$/);
    const [event] = readCalendar(await answer.text()).events;
    expect(event).toMatchObject({
      uid: uidOf(formation),
      summary: "Accessibilité",
      start: formation.startsAt,
      end: formation.endsAt,
      url: `${PLATFORM_URL}/agenda?formation=${formation.id}`,
    });

    const unchanged = await poll(app, view, { "if-none-match": etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("etag")).toBe(etag);
    expect(unchanged.headers.get("last-modified")).toBe(lastModified);
    expect((await poll(app, view, { "if-modified-since": lastModified })).status).toBe(304);
    // The same content later on keeps its Last-Modified: the time it first was served, not the time of the poll.
    expect((await poll(app, view)).headers.get("last-modified")).toBe(lastModified);

    // An unenrolment changes no row a date could be read from: the content's hash sees it.
    await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        id: formation.id,
        title: "Accessibilité",
        startsAt: formation.startsAt,
        endsAt: formation.endsAt,
        timeZone: "Europe/Paris",
        learners: [],
      }),
    );
    const changed = await poll(app, view, { "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(readCalendar(await changed.text()).events).toEqual([]);
  });

  it("follows each formation over HTTP as ical.js reads it: the platform's instants on DST days, one UID, SEQUENCE raised, cancelled ones STATUS:CANCELLED, own events when asked", async () => {
    const { db } = database();
    const app = appWith();
    const { user, headers } = await signedIn("ines");
    const learners = [named(user)];
    // Paris springs forward on 28 March 2027 and falls back on 31 October: both days are an hour short or long.
    const spring = await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        title: "Printemps",
        startsAt: "2027-03-28T01:30:00+01:00",
        endsAt: "2027-03-28T10:00:00+02:00",
        timeZone: "Europe/Paris",
        learners,
      }),
    );
    const autumn = await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        title: "Automne",
        startsAt: "2027-10-31T02:30:00+01:00",
        endsAt: "2027-10-31T12:00:00+01:00",
        timeZone: "Europe/Paris",
        learners,
      }),
    );
    const view = await turnOn(app, headers);
    const read = async () => readCalendar(await (await poll(app, view)).text()).events;

    expect(
      (await read()).map(({ uid, start, end, sequence, status }) => ({ uid, start, end, sequence, status })),
    ).toEqual([
      { uid: uidOf(spring), start: spring.startsAt, end: spring.endsAt, sequence: 1, status: "CONFIRMED" },
      { uid: uidOf(autumn), start: autumn.startsAt, end: autumn.endsAt, sequence: 1, status: "CONFIRMED" },
    ]);

    const moved = await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        id: spring.id,
        title: "Printemps",
        startsAt: "2027-03-28T14:00:00+02:00",
        endsAt: "2027-03-28T17:00:00+02:00",
        timeZone: "Europe/Paris",
      }),
    );
    await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        id: autumn.id,
        title: "Automne",
        startsAt: autumn.startsAt,
        endsAt: autumn.endsAt,
        timeZone: "Europe/Paris",
        status: "cancelled",
      }),
    );
    expect(
      (await read()).map(({ uid, start, end, sequence, status }) => ({ uid, start, end, sequence, status })),
    ).toEqual([
      { uid: uidOf(spring), start: moved.startsAt, end: moved.endsAt, sequence: 2, status: "CONFIRMED" },
      { uid: uidOf(autumn), start: autumn.startsAt, end: autumn.endsAt, sequence: 2, status: "CANCELLED" },
    ]);

    const created = await app.request("/api/calendar/events", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ title: "Congés", isAllDay: true, startDate: "2027-04-01", endDate: "2027-04-03" }),
    });
    expect(created.status).toBe(201);
    expect(await read()).toHaveLength(2);
    const settings = await app.request("/api/calendar/feed/settings", {
      method: "PUT",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ includePersonalEvents: true }),
    });
    expect(await settings.json()).toMatchObject({ enabled: true, url: view.url, includePersonalEvents: true });
    expect((await read()).find(({ summary }) => summary === "Congés")).toMatchObject({
      allDay: true,
      start: "2027-04-01",
      end: "2027-04-03",
    });
  });

  it("gives each feed its own budget, and unknown addresses the anonymous one", async () => {
    const app = appWith({ rateLimits: { perFeedPerMinute: 2, perAddressPerMinute: 3 } });
    const busy = await turnOn(app, (await signedIn("busy")).headers);
    const calm = await turnOn(app, (await signedIn("calm")).headers);
    for (let request = 0; request < 2; request++) expect((await poll(app, busy)).status).toBe(200);
    const refused = await poll(app, busy, { "accept-language": "en" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Too many requests/) },
    });
    expect((await poll(app, calm)).status).toBe(200);

    const guesses = Array.from({ length: 4 }, () => app.request(`/feeds/agd_ics_${"a".repeat(43)}.ics`));
    expect((await Promise.all(guesses)).map(({ status }) => status).sort()).toEqual([404, 404, 404, 429]);
  });

  it("never writes the secret in a log line: the path is logged with the secret masked", async () => {
    const lines: string[] = [];
    const app = appWith({ logLines: lines });
    const view = await turnOn(app, (await signedIn("discreet")).headers);
    await poll(app, view);
    await app.request("/feeds/agd_ics_unknown.ics");
    const requests = lines
      .map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number })
      .filter(({ msg }) => msg === "request");
    expect(requests.filter(({ path }) => path?.startsWith("/feeds/"))).toEqual([
      expect.objectContaining({ path: "/feeds/[secret]", status: 200 }),
      expect.objectContaining({ path: "/feeds/[secret]", status: 404 }),
    ]);
    expect(lines.join("\n")).not.toContain("agd_ics_");
  });

  it("stops answering for a person the platform deactivated", async () => {
    const { db } = database();
    const app = appWith();
    const { user, headers } = await signedIn("gone");
    const view = await turnOn(app, headers);
    const admin = await ensureUser(db, {
      platformUserId: "feeds-admin",
      email: "admin@example.test",
      name: "Admin",
      role: "admin",
    });
    await setUserDeactivated(db, { kind: "user", userId: admin.id, role: "admin" }, user.platformUserId, true);
    expect((await poll(app, view)).status).toBe(404);
  });
});

describe("a formation as an .ics file", () => {
  it("is one published event with the same UID and SEQUENCE as in the feed, for those who take part in it", async () => {
    const { db } = database();
    const app = appWith();
    const { user, headers } = await signedIn("ana");
    const stranger = await signedIn("stranger");
    const formation = await upsertFormation(
      db,
      catalogue,
      upsertFormationInput.parse({
        title: "Sécurité réseau",
        startsAt: "2027-01-12T09:00:00+01:00",
        endsAt: "2027-01-12T12:00:00+01:00",
        timeZone: "Europe/Paris",
        learners: [named(user)],
      }),
    );
    const download = (as: Record<string, string>) =>
      app.request(
        `/trpc/feeds.formationIcs?input=${encodeURIComponent(JSON.stringify({ formationId: formation.id }))}`,
        { headers: as },
      );

    const answer = (await (await download(headers)).json()) as { result: { data: { filename: string; ics: string } } };
    expect(answer.result.data.filename).toBe("securite-reseau.ics");
    const file = readCalendar(answer.result.data.ics);
    expect(file.method).toBe("PUBLISH");
    const inFeed = readCalendar(await (await poll(app, await turnOn(app, headers))).text()).events[0];
    expect(file.events).toEqual([{ ...inFeed }]);

    const refused = await download(stranger.headers);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe(
      "FORMATION_NOT_FOUND",
    );
  });
});
