import { agendaEvents, calendarFeeds, formations } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { readCalendar } from "@agenda/testing/icalendar";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  CalendarFeedHashes,
  calendarFeedEntries,
  formationUid,
  pollCalendarFeed,
  renderCalendarFeed,
  type EntryContext,
  type FeedVersion,
  type PolledFeed,
} from "./calendar-feeds";
import { createEvent, createEventInput } from "./events";
import { upsertFormation, upsertFormationInput } from "./formations";
import { ensureUser, type User } from "./users";
import type { Viewer } from "./viewer";

const database = useTestDatabase();

const platform: Viewer = {
  kind: "service",
  serviceTokenId: "catalogue",
  serviceName: "catalogue",
  scopes: ["formations:write"],
};
const context: EntryContext = {
  formationLink: (id) => `https://platform.example.test/agenda?formation=${id}`,
  locale: "fr",
};
const DAY_MS = 86_400_000;

async function person(name: string, role: User["role"] = "learner"): Promise<User> {
  return ensureUser(database().db, { platformUserId: `feed-${name}`, email: `${name}@example.test`, name, role });
}

const named = (user: User) => ({ platformUserId: user.platformUserId, email: user.email, name: user.name });

/** A formation `days` from now (three hours long), Léa enrolled unless said otherwise. */
async function formation(title: string, days: number, fields: Record<string, unknown> = {}) {
  const startsAt = new Date(Math.floor((Date.now() + days * DAY_MS) / 3_600_000) * 3_600_000);
  return upsertFormation(
    database().db,
    platform,
    upsertFormationInput.parse({
      title,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
      timeZone: "Europe/Paris",
      ...fields,
    }),
  );
}

function feedOf(owner: User, includePersonalEvents = false): PolledFeed {
  return {
    id: owner.id,
    includePersonalEvents,
    contentHash: null,
    contentChangedAt: null,
    owner: { id: owner.id, locale: owner.locale },
  };
}

describe("what a calendar feed holds", () => {
  it("the formations the person takes part in within the window, cancelled ones for 30 days, their own events only when asked", async () => {
    const { db } = database();
    const lea = await person("lea");
    const noe = await person("noe");
    const tom = await person("tom", "trainer");
    const enrolled = await formation("Inscrite", 10, { learners: [named(lea)] });
    const trained = await formation("Animée", 12, { trainer: named(lea), learners: [named(noe)] });
    await formation("D'un autre", 11, { trainer: named(tom), learners: [named(noe)] });
    await formation("Trop ancienne", -100, { learners: [named(lea)] });
    await formation("Trop lointaine", 600, { learners: [named(lea)] });
    const recent = await formation("Passée récente", -20, { learners: [named(lea)] });
    const cancelled = await formation("Annulée", 20, { learners: [named(lea)], status: "cancelled" });
    const longCancelled = await formation("Annulée il y a longtemps", 25, {
      learners: [named(lea)],
      status: "cancelled",
    });
    await db
      .update(formations)
      .set({ updatedAt: new Date(Date.now() - 31 * DAY_MS) })
      .where(eq(formations.id, longCancelled.id));

    const timed = await createEvent(
      db,
      lea,
      createEventInput.parse({
        title: "Dentiste",
        startsAt: new Date(Date.now() + 3 * DAY_MS).toISOString(),
        endsAt: new Date(Date.now() + 3 * DAY_MS + 3_600_000).toISOString(),
      }),
    );
    const allDay = await createEvent(
      db,
      lea,
      createEventInput.parse({ title: "Congés", isAllDay: true, startDate: "2027-02-01", endDate: "2027-02-03" }),
    );
    const deleted = await createEvent(
      db,
      lea,
      createEventInput.parse({
        title: "Supprimé",
        startsAt: new Date(Date.now() + DAY_MS).toISOString(),
        endsAt: new Date(Date.now() + DAY_MS + 3_600_000).toISOString(),
      }),
    );
    await db.update(agendaEvents).set({ deletedAt: new Date() }).where(eq(agendaEvents.id, deleted.id));
    await db.insert(agendaEvents).values({
      ownerId: lea.id,
      source: "outlook",
      title: "Réunion Outlook",
      startsAt: new Date(Date.now() + DAY_MS),
      endsAt: new Date(Date.now() + DAY_MS + 3_600_000),
      timeZone: "Europe/Paris",
    });

    const formationsOnly = await calendarFeedEntries(db, feedOf(lea), context);
    expect(formationsOnly.map(({ uid, cancelled: isCancelled }) => ({ uid, isCancelled }))).toEqual([
      { uid: formationUid(recent.id), isCancelled: false },
      { uid: formationUid(enrolled.id), isCancelled: false },
      { uid: formationUid(trained.id), isCancelled: false },
      { uid: formationUid(cancelled.id), isCancelled: true },
    ]);

    const withPersonal = await calendarFeedEntries(db, feedOf(lea, true), context);
    expect(withPersonal.map(({ uid }) => uid).slice(4)).toEqual([
      `event-${timed.id}@agenda`,
      `event-${allDay.id}@agenda`,
    ]);
    const read = readCalendar(renderCalendarFeed(feedOf(lea, true), withPersonal));
    expect(read.name).toBe("Mon agenda");
    expect(read.events.find(({ uid }) => uid === `event-${allDay.id}@agenda`)).toMatchObject({
      allDay: true,
      start: "2027-02-01",
      end: "2027-02-03",
      summary: "Congés",
    });
  });

  it("keeps each formation's UID as it changes, raises its SEQUENCE, and gives the platform's instants on DST days, cancelled ones marked", async () => {
    const { db } = database();
    const ana = await person("ana");
    // Paris changes to summer time on 28 March 2027 at 02:00 and back on 31 October at 03:00.
    const spring = await upsertFormation(
      db,
      platform,
      upsertFormationInput.parse({
        title: "Printemps",
        startsAt: "2027-03-28T01:30:00+01:00",
        endsAt: "2027-03-28T17:00:00+02:00",
        timeZone: "Europe/Paris",
        learners: [named(ana)],
      }),
    );
    const autumn = await upsertFormation(
      db,
      platform,
      upsertFormationInput.parse({
        title: "Automne",
        startsAt: "2027-10-31T01:30:00+02:00",
        endsAt: "2027-10-31T04:00:00+01:00",
        timeZone: "Europe/Paris",
        learners: [named(ana)],
        location: "Salle 2",
        onlineUrl: "https://meet.example.test/automne",
      }),
    );
    // Read as of mid-January 2027, when both are ahead.
    const now = new Date("2027-01-15T00:00:00Z");
    const read = async () =>
      readCalendar(renderCalendarFeed(feedOf(ana), await calendarFeedEntries(db, feedOf(ana), context, now))).events;

    const before = await read();
    expect(before.map(({ uid, start, end, sequence, status }) => ({ uid, start, end, sequence, status }))).toEqual([
      { uid: formationUid(spring.id), start: spring.startsAt, end: spring.endsAt, sequence: 1, status: "CONFIRMED" },
      { uid: formationUid(autumn.id), start: autumn.startsAt, end: autumn.endsAt, sequence: 1, status: "CONFIRMED" },
    ]);
    expect(before[1]).toMatchObject({
      location: "Salle 2",
      url: `https://platform.example.test/agenda?formation=${autumn.id}`,
    });
    expect(before[1]?.description).toContain("En ligne : https://meet.example.test/automne");

    const moved = await upsertFormation(
      db,
      platform,
      upsertFormationInput.parse({
        id: spring.id,
        title: "Printemps (déplacée)",
        startsAt: "2027-03-28T09:00:00+02:00",
        endsAt: "2027-03-28T12:00:00+02:00",
        timeZone: "Europe/Paris",
      }),
    );
    await upsertFormation(
      db,
      platform,
      upsertFormationInput.parse({
        id: autumn.id,
        title: "Automne",
        startsAt: autumn.startsAt,
        endsAt: autumn.endsAt,
        timeZone: "Europe/Paris",
        status: "cancelled",
      }),
    );
    await db
      .update(formations)
      .set({ updatedAt: new Date(now.getTime() - 5 * DAY_MS) })
      .where(eq(formations.id, autumn.id));
    const after = await read();
    expect(
      after.map(({ uid, start, sequence, status, summary }) => ({ uid, start, sequence, status, summary })),
    ).toEqual([
      {
        uid: formationUid(spring.id),
        start: moved.startsAt,
        sequence: 2,
        status: "CONFIRMED",
        summary: "Printemps (déplacée)",
      },
      { uid: formationUid(autumn.id), start: autumn.startsAt, sequence: 2, status: "CANCELLED", summary: "Automne" },
    ]);
  });
});

describe("a poll of a calendar feed", () => {
  /** A feed row for the person, as the secret finds it; and a context counting the events written. */
  async function polledFeed(owner: User): Promise<PolledFeed> {
    const [row] = await database()
      .db.insert(calendarFeeds)
      .values({ userId: owner.id, secretHash: `hash-${owner.id}`, sealedSecret: "sealed" })
      .returning();
    if (!row) throw new Error("no feed row");
    return {
      id: row.id,
      includePersonalEvents: false,
      contentHash: null,
      contentChangedAt: null,
      owner: { id: owner.id, locale: owner.locale },
    };
  }

  function counting() {
    const written = { events: 0 };
    const counted: EntryContext = { ...context, formationLink: (id) => (written.events++, context.formationLink(id)) };
    return { written, counted };
  }

  const holding = (held: FeedVersion | undefined) => (version: FeedVersion) =>
    version.contentHash === held?.contentHash;

  it("answers a poller holding the current version without writing the text, and writes it again once a row changes, even behind the platform's back", async () => {
    const { db } = database();
    const mia = await person("mia");
    await formation("Une", 5, { learners: [named(mia)] });
    const other = await formation("Autre", 6, { learners: [named(mia)] });
    const hashes = new CalendarFeedHashes();
    const { written, counted } = counting();
    let feed = await polledFeed(mia);

    const first = await pollCalendarFeed(db, feed, counted, hashes, holding(undefined));
    expect(first.unchanged).toBe(false);
    expect(written.events).toBe(2);
    if (first.unchanged) throw new Error("unreachable");
    expect(readCalendar(first.text).events.map(({ summary }) => summary)).toEqual(["Une", "Autre"]);
    feed = { ...feed, contentHash: first.contentHash, contentChangedAt: first.changedAt };

    const again = await pollCalendarFeed(db, feed, counted, hashes, holding(first));
    expect(again).toEqual({ contentHash: first.contentHash, changedAt: first.changedAt, unchanged: true });
    expect(written.events).toBe(2);

    // A poller without it gets the text, the same.
    const fresh = await pollCalendarFeed(db, feed, counted, hashes, holding(undefined));
    expect(fresh).toEqual({ ...first, unchanged: false });

    // No version raised, no updatedAt moved: the fingerprint covers every column all the same.
    await db.update(formations).set({ title: "Autre, renommée en base" }).where(eq(formations.id, other.id));
    const renamed = await pollCalendarFeed(db, feed, counted, hashes, holding(first));
    if (renamed.unchanged) throw new Error("the rename went unseen");
    expect(renamed.contentHash).not.toBe(first.contentHash);
    expect(readCalendar(renamed.text).events.map(({ summary }) => summary)).toEqual(["Une", "Autre, renommée en base"]);
  });

  it("writes the text again for a change the feed does not show, and still answers 'unchanged' with the same validators", async () => {
    const { db } = database();
    const leo = await person("leo");
    const held = await formation("Gardée", 5, { learners: [named(leo)], externalId: "catalogue-1" });
    const hashes = new CalendarFeedHashes();
    const { written, counted } = counting();
    const feed = await polledFeed(leo);
    const first = await pollCalendarFeed(db, feed, counted, hashes, holding(undefined));

    await db.update(formations).set({ externalId: "catalogue-2" }).where(eq(formations.id, held.id));
    const polled = await pollCalendarFeed(
      db,
      { ...feed, contentHash: first.contentHash, contentChangedAt: first.changedAt },
      counted,
      hashes,
      holding(first),
    );
    expect(polled).toEqual({ contentHash: first.contentHash, changedAt: first.changedAt, unchanged: true });
    expect(written.events).toBe(2);
  });

  it("forgets every feed past its bound rather than grow", () => {
    const hashes = new CalendarFeedHashes(2);
    hashes.remember("a", "fa", "ha");
    hashes.remember("b", "fb", "hb");
    hashes.remember("b", "fb2", "hb2");
    expect([hashes.hashOf("a", "fa"), hashes.hashOf("b", "fb"), hashes.hashOf("b", "fb2")]).toEqual([
      "ha",
      undefined,
      "hb2",
    ]);
    hashes.remember("c", "fc", "hc");
    expect([hashes.hashOf("a", "fa"), hashes.hashOf("c", "fc")]).toEqual([undefined, "hc"]);
  });
});
