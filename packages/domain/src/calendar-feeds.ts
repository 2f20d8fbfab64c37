import { createHash, randomUUID } from "node:crypto";
import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, calendarFeeds, enrollments, formationSessions, formations, users } from "@agenda/db/schema";
import { and, asc, eq, gte, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "./audit";
import { DomainError } from "./errors";
import { getFormation, sessionTitle } from "./formations";
import { renderCalendar, type CalendarEntry } from "./icalendar";
import { hashSecret, newSecret } from "./secrets";
import type { User } from "./users";
import type { Viewer } from "./viewer";

export const CALENDAR_FEED_SECRET_PREFIX = "agd_ics_";

/** What a feed covers: recent past for context, and far enough ahead for a training catalogue. */
export const FEED_DAYS_BACK = 90;
export const FEED_MONTHS_AHEAD = 18;
/**
 * How long a cancelled formation stays in the feed (counted from its last change) as STATUS:CANCELLED: long enough
 * for every subscribed client to poll once and mark or remove it, instead of keeping a stale copy.
 */
export const CANCELLED_KEPT_DAYS = 30;
/** What subscribed clients are asked to poll at; most decide on their own (Google: several hours). */
export const FEED_REFRESH_HOURS = 1;

const DAY_MS = 86_400_000;

/** The few words a feed adds, in its owner's language. */
const words = {
  fr: {
    online: "En ligne :",
    formations: "Mes formations",
    agenda: "Mon agenda",
    cancelled: "Cette formation est annulée.",
    reason: "Motif :",
  },
  en: {
    online: "Online:",
    formations: "My formations",
    agenda: "My agenda",
    cancelled: "This formation is cancelled.",
    reason: "Reason:",
  },
} satisfies Record<User["locale"], Record<string, string>>;

/** Seals the feed secret at rest (the deployment's token vault): only `open` with the same owner reads it back. */
export interface SecretSealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

/** Who acts on a feed: always its owner, signed in; the request id goes to the audit log. */
export interface FeedActor {
  userId: string;
  requestId: string;
}

export const calendarFeedSettingsInput = z.object({ includePersonalEvents: z.boolean() });
export const formationIcsInput = z.object({ formationId: z.uuid() });

export interface CalendarFeed {
  secret: string;
  includePersonalEvents: boolean;
  secretIssuedAt: string;
}

type FeedRow = typeof calendarFeeds.$inferSelect;

function feedOf(row: FeedRow, sealer: SecretSealer): CalendarFeed {
  return {
    secret: sealer.open(row.sealedSecret, row.id),
    includePersonalEvents: row.includePersonalEvents,
    secretIssuedAt: row.secretIssuedAt.toISOString(),
  };
}

/** The person's feed, or null when it is off. */
export async function getCalendarFeed(
  db: DatabaseOrTransaction,
  sealer: SecretSealer,
  userId: string,
): Promise<CalendarFeed | null> {
  const [row] = await db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId));
  return row ? feedOf(row, sealer) : null;
}

/**
 * A new secret for the person's feed: turns the feed on, or replaces the secret of the one they have, after which the
 * former address answers 404 at once. Recorded in the audit log, the secret never.
 */
export async function issueCalendarFeedSecret(
  db: DatabaseOrTransaction,
  sealer: SecretSealer,
  actor: FeedActor,
): Promise<CalendarFeed> {
  return db.transaction(async (tx) => {
    // Two first creations at once would both insert: the second waits here and then rotates the first's secret.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`calendar-feed\n${actor.userId}`}, 0))`);
    const [existing] = await tx
      .select({ id: calendarFeeds.id })
      .from(calendarFeeds)
      .where(eq(calendarFeeds.userId, actor.userId));
    const id = existing?.id ?? randomUUID();
    const secret = newSecret(CALENDAR_FEED_SECRET_PREFIX);
    const now = new Date();
    const issued = {
      secretHash: hashSecret(secret),
      sealedSecret: sealer.seal(secret, id),
      secretIssuedAt: now,
      updatedAt: now,
    };
    const [row] = existing
      ? await tx.update(calendarFeeds).set(issued).where(eq(calendarFeeds.id, id)).returning()
      : await tx
          .insert(calendarFeeds)
          .values({ id, userId: actor.userId, ...issued })
          .returning();
    if (!row) throw new Error("calendar feed write returned no row");
    await recordAudit(tx, {
      userId: actor.userId,
      actorUserId: actor.userId,
      action: existing ? "calendar_feed.rotated" : "calendar_feed.created",
      outcome: "success",
      requestId: actor.requestId,
    });
    return feedOf(row, sealer);
  });
}

export async function updateCalendarFeedSettings(
  db: DatabaseOrTransaction,
  sealer: SecretSealer,
  actor: FeedActor,
  settings: z.output<typeof calendarFeedSettingsInput>,
): Promise<CalendarFeed> {
  const [row] = await db
    .update(calendarFeeds)
    .set({ includePersonalEvents: settings.includePersonalEvents, updatedAt: new Date() })
    .where(eq(calendarFeeds.userId, actor.userId))
    .returning();
  if (!row) throw new DomainError("CALENDAR_FEED_NOT_FOUND");
  await recordAudit(db, {
    userId: actor.userId,
    actorUserId: actor.userId,
    action: "calendar_feed.settings_changed",
    outcome: "success",
    detail: settings,
    requestId: actor.requestId,
  });
  return feedOf(row, sealer);
}

/** Turns the person's feed off: its address answers 404 from now on. Nothing to do when it is already off. */
export async function deleteCalendarFeed(db: DatabaseOrTransaction, actor: FeedActor): Promise<{ deleted: boolean }> {
  const deleted = await db
    .delete(calendarFeeds)
    .where(eq(calendarFeeds.userId, actor.userId))
    .returning({ id: calendarFeeds.id });
  if (deleted.length > 0) {
    await recordAudit(db, {
      userId: actor.userId,
      actorUserId: actor.userId,
      action: "calendar_feed.deleted",
      outcome: "success",
      requestId: actor.requestId,
    });
  }
  return { deleted: deleted.length > 0 };
}

/** Where a feed is, as calendar apps take it: its address, as webcal://, and the "add from the web" pages of Outlook and Google. */
export interface CalendarFeedLinks {
  url: string;
  webcalUrl: string;
  outlookUrl: string;
  googleUrl: string;
}

export function calendarFeedLinks(origin: string, feed: CalendarFeed, locale: User["locale"]): CalendarFeedLinks {
  const url = `${origin.replace(/\/+$/, "")}/feeds/${feed.secret}.ics`;
  const webcalUrl = url.replace(/^https?:/, "webcal:");
  const name = words[locale][feed.includePersonalEvents ? "agenda" : "formations"];
  return {
    url,
    webcalUrl,
    // Outlook on the web of work and school accounts, the ones a training platform's learners have.
    outlookUrl: `https://outlook.office.com/calendar/0/addfromweb?url=${encodeURIComponent(url)}&name=${encodeURIComponent(name)}`,
    googleUrl: `https://calendar.google.com/calendar/r?cid=${encodeURIComponent(webcalUrl)}`,
  };
}

/** A feed as a poll finds it by its secret, with the person it belongs to. */
export interface PolledFeed {
  id: string;
  includePersonalEvents: boolean;
  contentHash: string | null;
  contentChangedAt: Date | null;
  owner: Pick<User, "id" | "locale">;
}

/** The feed a secret opens: none for an unknown, rotated or deleted secret, nor for a person the platform deactivated. */
export async function findCalendarFeedBySecret(
  db: DatabaseOrTransaction,
  secret: string,
): Promise<PolledFeed | undefined> {
  if (!secret.startsWith(CALENDAR_FEED_SECRET_PREFIX) || secret.length > 128) return undefined;
  const [found] = await db
    .select({ feed: calendarFeeds, owner: { id: users.id, locale: users.locale } })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(and(eq(calendarFeeds.secretHash, hashSecret(secret)), isNull(users.deactivatedAt)));
  if (!found) return undefined;
  const { feed, owner } = found;
  return {
    id: feed.id,
    includePersonalEvents: feed.includePersonalEvents,
    contentHash: feed.contentHash,
    contentChangedAt: feed.contentChangedAt,
    owner,
  };
}

/**
 * When the feed's content last changed, given the hash of what it holds now: the stored time while the hash is the
 * same, now (second precision, as HTTP dates have) when it changed. That is what Last-Modified says, and what catches
 * changes no row's updatedAt shows: an enrolment removed, an event leaving the window.
 */
export async function recordCalendarFeedContent(
  db: DatabaseOrTransaction,
  feed: PolledFeed,
  contentHash: string,
): Promise<Date> {
  if (feed.contentHash === contentHash && feed.contentChangedAt) return feed.contentChangedAt;
  const changedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  await db.update(calendarFeeds).set({ contentHash, contentChangedAt: changedAt }).where(eq(calendarFeeds.id, feed.id));
  return changedAt;
}

/** How an entry points back to the platform and speaks the owner's language. */
export interface EntryContext {
  /** The formation's page on the platform (the link Outlook copies carry too). */
  formationLink: (formationId: string) => string;
  locale: User["locale"];
}

/**
 * A session's UID: from the session's id, never the formation's. Subscribed calendars match events by UID, so a UID
 * must name one session for its whole life. The formation's former UID (`formation-<id>@agenda`, on the one block
 * from its first start to its last end) could have stayed on its first session, but "first" moves: a session added
 * before it, or its removal, would hand that UID to another session, and clients would carry what people attached to
 * the event (alarms, notes) over to another day. So each subscriber deletes the old block once (it was wrong anyway)
 * and adds the sessions, each under a UID that holds however its formation's sessions change later.
 */
export const formationSessionUid = (sessionId: string) => `formation-session-${sessionId}@agenda`;

/**
 * Which agenda row tells a session's SEQUENCE: the one mirroring it for `userId` (the feed's owner, the person
 * downloading), whose version rises exactly when that session's copy changes (its times, place, numbered title,
 * cancellation), not when another session of the formation moves. The same row gives the feed and a download by
 * the same person the same SEQUENCE, so a client holding both keeps one event.
 */
const mirrorOf = (userId: string | null) =>
  userId
    ? and(eq(agendaEvents.ownerId, userId), eq(agendaEvents.formationSessionId, formationSessions.id))
    : sql`false`;

/**
 * A session's SEQUENCE: its mirror's version; for someone with no mirror (an admin or app downloading a formation
 * they take no part in) the highest of its participants' mirrors, or the formation's version when nobody takes part.
 */
const sessionSequence = sql<number>`coalesce(${agendaEvents.version}, (
  select max(m.version) from ${agendaEvents} m
  where m.formation_id = ${formations.id} and m.formation_session_id = ${formationSessions.id}), ${formations.version})`;

/** What a session's event is made of: a feed reads these alone. */
const sessionColumns = {
  formationId: formations.id,
  sessionId: formationSessions.id,
  title: sessionTitle(
    formations.title,
    formationSessions.position,
    sql`count(*) over (partition by ${formationSessions.formationId})`,
  ),
  description: formations.description,
  location: sql<string | null>`coalesce(${formationSessions.location}, ${formations.location})`,
  onlineUrl: sql<string | null>`coalesce(${formationSessions.onlineUrl}, ${formations.onlineUrl})`,
  startsAt: formationSessions.startsAt,
  endsAt: formationSessions.endsAt,
  timeZone: formations.timeZone,
  status: formations.status,
  cancellationReason: formations.cancellationReason,
  sequence: sessionSequence.mapWith(Number),
  createdAt: formationSessions.createdAt,
  // When this session's copy last changed: its mirror says so; the formation or session row when there is none.
  updatedAt:
    sql<Date>`coalesce(${agendaEvents.updatedAt}, greatest(${formations.updatedAt}, ${formationSessions.updatedAt}))`.mapWith(
      formations.updatedAt,
    ),
};

/** The sessions of the formations `where` picks, each with its formation and the mirror that tells its SEQUENCE. */
function formationSessionRows(db: DatabaseOrTransaction, where: SQL | undefined, mirrorUserId: string | null) {
  return db
    .select(sessionColumns)
    .from(formations)
    .innerJoin(formationSessions, eq(formationSessions.formationId, formations.id))
    .leftJoin(agendaEvents, mirrorOf(mirrorUserId))
    .where(where)
    .orderBy(asc(formationSessions.startsAt), asc(formationSessions.id));
}

type SessionFields = Awaited<ReturnType<typeof formationSessionRows>>[number];

/** A place, or the online link when there is none; with both, the link goes in the description. */
function placeAndDescription(
  location: string | null,
  onlineUrl: string | null,
  description: string,
  locale: User["locale"],
) {
  const extra = location && onlineUrl ? `${words[locale].online} ${onlineUrl}` : "";
  return { location: location ?? onlineUrl, description: [description.trim(), extra].filter(Boolean).join("\n\n") };
}

/**
 * One session of a formation as an event, titled, placed and timed as its Outlook copies are; a cancelled
 * formation's sessions say so first in their description, with the reason when there is one.
 */
function formationSessionEntry(session: SessionFields, context: EntryContext): CalendarEntry {
  const cancelled = session.status === "cancelled";
  const said = words[context.locale];
  const reason = session.cancellationReason?.trim();
  const notice = cancelled ? [said.cancelled, reason ? `${said.reason} ${reason}` : ""].filter(Boolean).join(" ") : "";
  const placed = placeAndDescription(session.location, session.onlineUrl, session.description, context.locale);
  return {
    uid: formationSessionUid(session.sessionId),
    sequence: session.sequence,
    title: session.title,
    location: placed.location,
    description: [notice, placed.description].filter(Boolean).join("\n\n"),
    url: context.formationLink(session.formationId),
    cancelled,
    when: { startsAt: session.startsAt, endsAt: session.endsAt, timeZone: session.timeZone },
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

function personalEventEntry(event: typeof agendaEvents.$inferSelect, context: EntryContext): CalendarEntry {
  const allDay =
    event.isAllDay && event.startDate && event.endDate ? { startDate: event.startDate, endDate: event.endDate } : null;
  return {
    uid: `event-${event.id}@agenda`,
    sequence: event.version,
    title: event.title,
    ...placeAndDescription(event.location, event.onlineUrl, event.body, context.locale),
    url: null,
    cancelled: false,
    when: allDay ?? { startsAt: event.startsAt, endsAt: event.endsAt, timeZone: event.timeZone },
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
  };
}

/** The span of time a feed covers around `now`. */
export function feedWindow(now: Date): { from: Date; to: Date } {
  const to = new Date(now);
  to.setUTCMonth(to.getUTCMonth() + FEED_MONTHS_AHEAD);
  return { from: new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS), to };
}

/**
 * The formations a feed holds: those the person takes part in (enrolled or training) within the window, cancelled
 * ones as such for CANCELLED_KEPT_DAYS. Found from their enrolments and the trainer index, then checked against the
 * window: scanning the window for theirs reads every formation in it, twice as slow with 20,000 others. A formation
 * in the window comes with all its sessions (at most MAX_SESSIONS), so their numbering reads the same as in Outlook.
 */
function feedFormations(feed: PolledFeed, now: Date) {
  const { from, to } = feedWindow(now);
  const takesPart = sql`${formations.id} in (
    select ${enrollments.formationId} from ${enrollments} where ${enrollments.userId} = ${feed.owner.id}
    union all select ${formations.id} from ${formations} where ${formations.trainerId} = ${feed.owner.id})`;
  const shown = or(
    eq(formations.status, "scheduled"),
    gte(formations.updatedAt, new Date(now.getTime() - CANCELLED_KEPT_DAYS * DAY_MS)),
  );
  return and(takesPart, shown, gte(formations.endsAt, from), lt(formations.startsAt, to));
}

/** The person's own events a feed holds when it says so: those made in the agenda (Outlook's are in their Outlook already). */
function feedPersonalEvents(feed: PolledFeed, now: Date) {
  const { from, to } = feedWindow(now);
  return and(
    eq(agendaEvents.ownerId, feed.owner.id),
    eq(agendaEvents.source, "platform"),
    isNull(agendaEvents.deletedAt),
    gte(agendaEvents.endsAt, from),
    lt(agendaEvents.startsAt, to),
  );
}

/** What a feed holds, in order: its formations, then the person's own events when the feed says so. */
export async function calendarFeedEntries(
  db: DatabaseOrTransaction,
  feed: PolledFeed,
  context: EntryContext,
  now = new Date(),
): Promise<CalendarEntry[]> {
  const sessions = await formationSessionRows(db, feedFormations(feed, now), feed.owner.id);
  const entries = sessions.map((session) => formationSessionEntry(session, context));
  if (!feed.includePersonalEvents) return entries;
  const personal = await db
    .select()
    .from(agendaEvents)
    .where(feedPersonalEvents(feed, now))
    .orderBy(asc(agendaEvents.startsAt), asc(agendaEvents.id));
  return [...entries, ...personal.map((event) => personalEventEntry(event, context))];
}

/** The feed's iCalendar text: the same data always gives the same text, so its hash is a faithful ETag. */
export function renderCalendarFeed(feed: PolledFeed, entries: readonly CalendarEntry[]): string {
  const name = words[feed.owner.locale][feed.includePersonalEvents ? "agenda" : "formations"];
  return renderCalendar(entries, { name, refreshIntervalHours: FEED_REFRESH_HOURS });
}

/**
 * What the rows behind a feed are right now, without reading them: each row's id and `xmin` (the transaction that
 * wrote its current version, which any update replaces, whichever column and whoever made it), hashed by PostgreSQL,
 * with the language and setting that name the feed. The same fingerprint means the same text, as long as this
 * process writes it the same way. A third of the time of hashing the rows' text.
 */
async function feedFingerprint(db: DatabaseOrTransaction, feed: PolledFeed, now: Date): Promise<string> {
  const versionsHash = (versions: SQL, orderedBy: SQL) =>
    sql<string>`encode(sha256(convert_to(coalesce(string_agg(${versions}, ',' order by ${orderedBy}), ''), 'UTF8')), 'base64')`;
  // Each session's own row and its formation's, and its mirror's version and time (the SEQUENCE and LAST-MODIFIED
  // the feed writes), not the mirror's xmin: exports write sync columns there that the feed does not show.
  const [held] = await db
    .select({
      versions: versionsHash(
        sql`${formationSessions.id}::text || ':' || ${formationSessions}.xmin::text || ':' || ${formations}.xmin::text
          || ':' || coalesce(${agendaEvents.version}::text, '') || ':' || coalesce(${agendaEvents.updatedAt}::text, '')`,
        sql`${formationSessions.id}`,
      ),
    })
    .from(formations)
    .innerJoin(formationSessions, eq(formationSessions.formationId, formations.id))
    .leftJoin(agendaEvents, mirrorOf(feed.owner.id))
    .where(feedFormations(feed, now));
  const [own] = feed.includePersonalEvents
    ? await db
        .select({
          versions: versionsHash(
            sql`${agendaEvents.id}::text || ':' || ${agendaEvents}.xmin::text`,
            sql`${agendaEvents.id}`,
          ),
        })
        .from(agendaEvents)
        .where(feedPersonalEvents(feed, now))
    : [];
  return `${feed.owner.locale} ${feed.includePersonalEvents} ${held?.versions ?? ""} ${own?.versions ?? ""}`;
}

/**
 * The content hash this process last wrote each feed's text to, by the fingerprint of its rows: a calendar app
 * polling a feed that did not change gets its 304 for the price of the fingerprint, with no text written. In memory,
 * so new code or time-zone data writes each feed once more after a deployment. Bounded; emptied past that.
 */
export class CalendarFeedHashes {
  readonly #byFeed = new Map<string, { fingerprint: string; contentHash: string }>();

  constructor(private readonly maxFeeds = 10_000) {}

  hashOf(feedId: string, fingerprint: string): string | undefined {
    const known = this.#byFeed.get(feedId);
    return known?.fingerprint === fingerprint ? known.contentHash : undefined;
  }

  remember(feedId: string, fingerprint: string, contentHash: string): void {
    if (this.#byFeed.size >= this.maxFeeds && !this.#byFeed.has(feedId)) this.#byFeed.clear();
    this.#byFeed.set(feedId, { fingerprint, contentHash });
  }
}

/** A feed's content as HTTP validators say it: the hash of its text (the ETag) and when it first was so (Last-Modified). */
export interface FeedVersion {
  contentHash: string;
  changedAt: Date;
}

/** What a poll answers: the text, or nothing when the poller holds it already. */
export type FeedPoll = FeedVersion & ({ unchanged: true } | { unchanged: false; text: string });

/**
 * A calendar app's poll: `holds` says whether the poller has this version already (its If-None-Match or
 * If-Modified-Since). The text is written only when the rows changed since this process last wrote it, or the poller
 * needs it.
 */
export async function pollCalendarFeed(
  db: DatabaseOrTransaction,
  feed: PolledFeed,
  context: EntryContext,
  hashes: CalendarFeedHashes,
  holds: (version: FeedVersion) => boolean,
  now = new Date(),
): Promise<FeedPoll> {
  const fingerprint = await feedFingerprint(db, feed, now);
  const knownHash = hashes.hashOf(feed.id, fingerprint);
  let known: FeedVersion | undefined;
  if (knownHash) {
    known = { contentHash: knownHash, changedAt: await recordCalendarFeedContent(db, feed, knownHash) };
    if (holds(known)) return { ...known, unchanged: true };
  }
  // Read after the fingerprint: a change in between gives this text a fingerprint it does not match, which only
  // makes the next poll write the text again. Its validators are always those of the text sent.
  const text = renderCalendarFeed(feed, await calendarFeedEntries(db, feed, context, now));
  const contentHash = createHash("sha256").update(text).digest("base64url");
  hashes.remember(feed.id, fingerprint, contentHash);
  const version =
    contentHash === known?.contentHash
      ? known
      : { contentHash, changedAt: await recordCalendarFeedContent(db, feed, contentHash) };
  return holds(version) ? { ...version, unchanged: true } : { ...version, unchanged: false, text };
}

/**
 * One formation as a file to import (METHOD:PUBLISH), an event per session, with the same UIDs and SEQUENCEs as in the
 * feed: a client holding both keeps one event per session. Anyone who may see the formation may download it.
 */
export async function formationIcs(
  db: DatabaseOrTransaction,
  viewer: Viewer,
  formationId: string,
  context: EntryContext,
): Promise<{ filename: string; ics: string }> {
  const formation = await getFormation(db, viewer, formationId);
  const sessions = await formationSessionRows(
    db,
    eq(formations.id, formation.id),
    viewer.kind === "user" ? viewer.userId : null,
  );
  if (sessions.length === 0) throw new DomainError("FORMATION_NOT_FOUND", { id: formationId });
  const ics = renderCalendar(
    sessions.map((session) => formationSessionEntry(session, context)),
    { name: formation.title, method: { name: "PUBLISH", stampedAt: new Date() } },
  );
  return { filename: `${fileNameOf(formation.title)}.ics`, ics };
}

/** A file name any system accepts: the title's letters and digits, accents dropped. */
function fileNameOf(title: string): string {
  const name = title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .toLowerCase();
  return name || "formation";
}
