import { agendaEvents, calendarFeeds, formations } from "@agenda/db/schema";
import { useTestDatabase } from "@agenda/testing/database";
import { readCalendar, type ReadEvent } from "@agenda/testing/icalendar";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  CalendarFeedHashes,
  calendarFeedEntries,
  formationIcs,
  formationSessionUid,
  pollCalendarFeed,
  renderCalendarFeed,
  type EntryContext,
  type FeedVersion,
  type PolledFeed,
} from "./calendar-feeds";
import { createEvent, createEventInput } from "./events";
import { upsertFormation, upsertFormationInput, type Formation } from "./formations";
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

/** The UID of a formation's (first) session. */
const uidOf = (formation: Formation) => formationSessionUid(formation.sessions[0]?.id ?? "no session");

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
      { uid: uidOf(recent), isCancelled: false },
      { uid: uidOf(enrolled), isCancelled: false },
      { uid: uidOf(trained), isCancelled: false },
      { uid: uidOf(cancelled), isCancelled: true },
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
      { uid: uidOf(spring), start: spring.startsAt, end: spring.endsAt, sequence: 1, status: "CONFIRMED" },
      { uid: uidOf(autumn), start: autumn.startsAt, end: autumn.endsAt, sequence: 1, status: "CONFIRMED" },
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
        uid: uidOf(spring),
        start: moved.startsAt,
        sequence: 2,
        status: "CONFIRMED",
        summary: "Printemps (déplacée)",
      },
      { uid: uidOf(autumn), start: autumn.startsAt, sequence: 2, status: "CANCELLED", summary: "Automne" },
    ]);
  });
});

describe("a formation of several sessions in a feed", () => {
  // Paris springs forward on Sunday 28 March 2027: the course's first day is in winter time, its others in summer time.
  const THREE_DAYS = {
    title: "Excel",
    description: "Tableaux croisés.",
    location: "Salle A",
    timeZone: "Europe/Paris",
    sessions: [
      { startsAt: "2027-03-26T09:00:00+01:00", endsAt: "2027-03-26T17:00:00+01:00" },
      { startsAt: "2027-03-29T09:00:00+02:00", endsAt: "2027-03-29T17:00:00+02:00", location: "Salle B" },
      {
        startsAt: "2027-03-30T09:00:00+02:00",
        endsAt: "2027-03-30T12:00:00+02:00",
        onlineUrl: "https://meet.example.test/excel",
      },
    ],
  };
  const now = new Date("2027-01-15T00:00:00Z");

  async function course(learner: User) {
    return upsertFormation(
      database().db,
      platform,
      upsertFormationInput.parse({ ...THREE_DAYS, learners: [named(learner)] }),
    );
  }

  /** The same formation with its sessions as given (their ids kept), and the rest of `fields`. */
  async function changed(formation: Formation, learner: User, fields: Record<string, unknown>) {
    return upsertFormation(
      database().db,
      platform,
      upsertFormationInput.parse({ ...THREE_DAYS, id: formation.id, learners: [named(learner)], ...fields }),
    );
  }

  const sessionsOf = (formation: Formation) =>
    formation.sessions.map(({ id, startsAt, endsAt, location, onlineUrl }) => ({
      id,
      startsAt,
      endsAt,
      location,
      onlineUrl,
    }));

  async function readFeed(owner: User) {
    const { db } = database();
    return readCalendar(renderCalendarFeed(feedOf(owner), await calendarFeedEntries(db, feedOf(owner), context, now)))
      .events;
  }

  it("gives one event per session, at the session's instants across a DST change, in the formation's zone, numbered as in Outlook, each at its place", async () => {
    const eva = await person("eva");
    const excel = await course(eva);
    const events = await readFeed(eva);
    expect(
      events.map(({ uid, summary, start, end, tzid, location, sequence, status }) => ({
        uid,
        summary,
        start,
        end,
        tzid,
        location,
        sequence,
        status,
      })),
    ).toEqual(
      excel.sessions.map((session, index) => ({
        uid: formationSessionUid(session.id),
        summary: `Excel (${index + 1}/3)`,
        start: session.startsAt,
        end: session.endsAt,
        tzid: "Europe/Paris",
        location: ["Salle A", "Salle B", "Salle A"][index],
        sequence: 1,
        status: "CONFIRMED",
      })),
    );
    expect(events.map(({ start }) => start)).toEqual([
      "2027-03-26T08:00:00.000Z",
      "2027-03-29T07:00:00.000Z",
      "2027-03-30T07:00:00.000Z",
    ]);
    // The third session's own link, beside the formation's room it falls back to.
    expect(events[2]?.description).toBe("Tableaux croisés.\n\nEn ligne : https://meet.example.test/excel");
    expect(new Set(events.map(({ url }) => url))).toEqual(
      new Set([`https://platform.example.test/agenda?formation=${excel.id}`]),
    );
  });

  it("a single session keeps the formation's title, unnumbered", async () => {
    const ugo = await person("ugo");
    const single = await formation("Word", 10, { learners: [named(ugo)] });
    const [event, ...others] = await readFeed(ugo);
    expect(others).toEqual([]);
    expect(event).toMatchObject({ uid: uidOf(single), summary: "Word", start: single.startsAt, end: single.endsAt });
  });

  it("moving one session changes only its event (times and SEQUENCE), and the feed's ETag", async () => {
    const { db } = database();
    const max = await person("max");
    const excel = await course(max);
    const [row] = await db
      .insert(calendarFeeds)
      .values({ userId: max.id, secretHash: `hash-${max.id}`, sealedSecret: "sealed" })
      .returning();
    if (!row) throw new Error("no feed row");
    const feed: PolledFeed = { ...feedOf(max), id: row.id };
    const hashes = new CalendarFeedHashes();
    const first = await pollCalendarFeed(db, feed, context, hashes, () => false, now);
    if (first.unchanged) throw new Error("a first poll has the text");
    const before = readCalendar(first.text).events;

    const [day1, day2, day3] = sessionsOf(excel);
    await changed(excel, max, {
      sessions: [day1, { ...day2, startsAt: "2027-03-29T13:00:00+02:00", endsAt: "2027-03-29T18:00:00+02:00" }, day3],
    });
    const polled = await pollCalendarFeed(
      db,
      { ...feed, contentHash: first.contentHash, contentChangedAt: first.changedAt },
      context,
      hashes,
      ({ contentHash }) => contentHash === first.contentHash,
      now,
    );
    if (polled.unchanged) throw new Error("the moved session went unseen");
    expect(polled.contentHash).not.toBe(first.contentHash);
    const after = readCalendar(polled.text).events;
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(after[1]).toEqual({
      ...before[1],
      sequence: 2,
      start: "2027-03-29T11:00:00.000Z",
      end: "2027-03-29T16:00:00.000Z",
    });
  });

  it("a cancelled formation cancels every session, with its reason first in the description", async () => {
    const zoe = await person("zoe");
    const excel = await course(zoe);
    await changed(excel, zoe, {
      sessions: sessionsOf(excel),
      status: "cancelled",
      cancellationReason: "Formatrice absente",
    });
    // Cancelled five days before the feed is read: within the days it keeps cancelled formations.
    await database()
      .db.update(formations)
      .set({ updatedAt: new Date(now.getTime() - 5 * DAY_MS) })
      .where(eq(formations.id, excel.id));
    const events = await readFeed(zoe);
    expect(events.map(({ uid, status, sequence }) => ({ uid, status, sequence }))).toEqual(
      excel.sessions.map(({ id }) => ({ uid: formationSessionUid(id), status: "CANCELLED", sequence: 2 })),
    );
    for (const event of events)
      expect(event.description).toMatch(
        /^Cette formation est annulée\. Motif : Formatrice absente\n\nTableaux croisés\./,
      );
  });

  it("downloads a formation as its sessions, with the UIDs and SEQUENCEs of the feed", async () => {
    const { db } = database();
    const lou = await person("lou");
    const excel = await course(lou);
    const [day1, day2, day3] = sessionsOf(excel);
    await changed(excel, lou, { sessions: [day1, { ...day2, location: "Salle C" }, day3] });
    const viewer: Viewer = { kind: "user", userId: lou.id, role: "learner" };
    const { filename, ics } = await formationIcs(db, viewer, excel.id, context);
    expect(filename).toBe("excel.ics");
    const file = readCalendar(ics);
    expect(file.method).toBe("PUBLISH");
    const fields = ({ uid, summary, start, end, location, sequence, status }: ReadEvent) => ({
      uid,
      summary,
      start,
      end,
      location,
      sequence,
      status,
    });
    const fromFeed = (await readFeed(lou)).map(fields);
    expect(file.events.map(fields)).toEqual(fromFeed);
    expect(fromFeed.map(({ location, sequence }) => ({ location, sequence }))).toEqual([
      { location: "Salle A", sequence: 1 },
      { location: "Salle C", sequence: 2 },
      { location: "Salle A", sequence: 1 },
    ]);
    // An admin taking no part gets the same events, numbered the participants' way.
    const admin: Viewer = { kind: "user", userId: (await person("adele", "admin")).id, role: "admin" };
    expect(readCalendar((await formationIcs(db, admin, excel.id, context)).ics).events.map(fields)).toEqual(fromFeed);
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
