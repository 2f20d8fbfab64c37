import type { agendaEvents } from "@agenda/db/schema";
import { httpsUrlOrNull } from "@agenda/domain/links";
import { canonicalTimeZone, startOfDateInZone } from "@agenda/domain/time";
import type { DateTimeTimeZone, Event } from "@microsoft/microsoft-graph-types";
import { findIana } from "windows-iana";

type AgendaEventInsert = typeof agendaEvents.$inferInsert;

/** Whose agenda a Graph event goes into, and from which Outlook calendar. */
export interface GraphEventContext {
  ownerId: string;
  integrationId: string;
  calendarId: string;
  /** The user's IANA zone: the event's zone when Outlook's has no IANA name (`tzone://Microsoft/Custom`). */
  userTimeZone: string;
}

/** A calendarView/delta item: a whole event, or only the id of one that left the calendar or the window. */
export type GraphDeltaItem = Event & { "@removed"?: { reason?: string } };

/** The agenda_events values of an Outlook event, everything an import writes. */
export type ImportedAgendaEvent = Required<
  Pick<
    AgendaEventInsert,
    | "ownerId"
    | "source"
    | "integrationId"
    | "title"
    | "body"
    | "location"
    | "onlineUrl"
    | "startsAt"
    | "endsAt"
    | "isAllDay"
    | "startDate"
    | "endDate"
    | "timeZone"
    | "showAs"
    | "graphEventId"
    | "graphIcalUid"
    | "graphChangeKey"
    | "graphCalendarId"
    | "graphSeriesMasterId"
    | "graphEventType"
    | "recurrence"
    | "remoteModifiedAt"
  >
> & { graphEventId: string };

export type GraphEventMapping =
  /** `transactionId`: the one its creator gave it, if any; this product's creates carry the one their row saved. */
  | { kind: "upsert"; event: ImportedAgendaEvent; transactionId: string | null }
  /** Deleted, cancelled, moved to another calendar or out of the window: the agenda keeps a tombstone. */
  | { kind: "remove"; graphEventId: string }
  | { kind: "unmappable"; graphEventId: string | undefined; reason: string };

const SHOW_AS = new Set<string>(["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"]);
const EVENT_TYPES = new Set<string>(["singleInstance", "occurrence", "exception", "seriesMaster"]);
const resolvedZones = new Map<string, string | undefined>();
/** Graph's `dateTime`: a wall-clock time with up to seven fraction digits and no offset. */
const GRAPH_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,7})?$/;

/**
 * IANA name of a zone as Outlook names it: Windows names ("Romance Standard Time") through CLDR's mapping, IANA
 * names in their canonical spelling. Undefined for zones with no IANA equivalent, such as `tzone://Microsoft/Custom`.
 */
export function ianaTimeZoneOf(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  if (resolvedZones.has(name)) return resolvedZones.get(name);
  // CLDR lists the zone Windows treats as canonical first (territory "001").
  const named = name.toUpperCase() === "UTC" ? "UTC" : (findIana(name)[0] ?? (name.includes("/") ? name : undefined));
  const iana = named === undefined ? undefined : canonicalTimeZone(named);
  // findIana scans CLDR's whole table: a mailbox uses a handful of zones, each looked up once. The names are
  // whatever Outlook data says, so the cache starts over rather than grow past 1,000 of them.
  if (resolvedZones.size >= 1_000) resolvedZones.clear();
  resolvedZones.set(name, iana);
  return iana;
}

/** An instant from a Graph date-time asked in UTC (`Prefer: outlook.timezone="UTC"`). */
function utcInstantOf(value: DateTimeTimeZone | null | undefined): Date | undefined {
  const match = GRAPH_DATE_TIME.exec(value?.dateTime ?? "");
  if (!match || value?.timeZone?.toUpperCase() !== "UTC") return undefined;
  // Date parses three fraction digits at most.
  return new Date(`${match[1]}T${match[2]}${(match[3] ?? "").slice(0, 4)}Z`);
}

/** The calendar date of an all-day boundary: Graph gives it at midnight in whatever zone the response is in. */
function dateOf(value: DateTimeTimeZone | null | undefined): string | undefined {
  return GRAPH_DATE_TIME.exec(value?.dateTime ?? "")?.[1];
}

type Timing = Pick<ImportedAgendaEvent, "startsAt" | "endsAt" | "isAllDay" | "startDate" | "endDate">;

function timingOf(event: Event, timeZone: string): Timing | string {
  if (event.isAllDay) {
    const startDate = dateOf(event.start);
    const endDate = dateOf(event.end);
    if (!startDate || !endDate) return "all-day event without start or end date";
    if (endDate <= startDate) return "all-day event ending before it starts";
    // The dates are the event; the instants are their midnights in the event's own zone, for range queries.
    return {
      isAllDay: true,
      startDate,
      endDate,
      startsAt: startOfDateInZone(startDate, timeZone),
      endsAt: startOfDateInZone(endDate, timeZone),
    };
  }
  const startsAt = utcInstantOf(event.start);
  const endsAt = utcInstantOf(event.end);
  if (!startsAt || !endsAt) return "start or end missing or not in UTC";
  if (endsAt < startsAt) return "event ending before it starts";
  return { isAllDay: false, startDate: null, endDate: null, startsAt, endsAt };
}

/**
 * What a Graph event (as calendarView/delta returns it, asked in UTC with a text body) means for the agenda: the
 * values of its `source: "outlook"` row, a removal, or why it cannot be imported.
 */
export function graphEventToAgendaEvent(item: GraphDeltaItem, context: GraphEventContext): GraphEventMapping {
  const graphEventId = item.id ?? undefined;
  if (!graphEventId) return { kind: "unmappable", graphEventId, reason: "event without id" };
  if (item["@removed"] || item.isCancelled) return { kind: "remove", graphEventId };

  const timeZone = ianaTimeZoneOf(item.originalStartTimeZone) ?? canonicalTimeZone(context.userTimeZone) ?? "UTC";
  const timing = timingOf(item, timeZone);
  if (typeof timing === "string") return { kind: "unmappable", graphEventId, reason: timing };
  const modified = item.lastModifiedDateTime ? new Date(item.lastModifiedDateTime) : undefined;

  return {
    kind: "upsert",
    event: {
      ownerId: context.ownerId,
      source: "outlook",
      integrationId: context.integrationId,
      title: item.subject ?? "",
      body: item.body?.content ?? "",
      location: item.location?.displayName || null,
      // An invitation from outside brings whatever join URL its organizer's side wrote; the apps make it a link.
      onlineUrl: httpsUrlOrNull(item.onlineMeeting?.joinUrl),
      ...timing,
      timeZone,
      showAs: item.showAs && SHOW_AS.has(item.showAs) ? (item.showAs as ImportedAgendaEvent["showAs"]) : "unknown",
      graphEventId,
      graphIcalUid: item.iCalUId ?? null,
      graphChangeKey: item.changeKey ?? null,
      graphCalendarId: context.calendarId,
      graphSeriesMasterId: item.seriesMasterId ?? null,
      graphEventType:
        item.type && EVENT_TYPES.has(item.type) ? (item.type as ImportedAgendaEvent["graphEventType"]) : null,
      recurrence: item.type === "seriesMaster" && item.recurrence ? (item.recurrence as Record<string, unknown>) : null,
      remoteModifiedAt: modified && !Number.isNaN(modified.getTime()) ? modified : null,
    },
    transactionId: item.transactionId ?? null,
  };
}
