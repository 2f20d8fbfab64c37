import type { agendaEvents } from "@agenda/db/schema";
import type { DateTimeTimeZone, Event as GraphEvent, ItemBody } from "@microsoft/microsoft-graph-types";
import { findWindows } from "windows-iana";
import { AGENDA_EVENT_ID_PROPERTY } from "../outlook-event-tags";
import { graphDateTime } from "./formation-event-mapping";

type PersonalEventRow = Pick<
  typeof agendaEvents.$inferSelect,
  "id" | "title" | "body" | "location" | "startsAt" | "endsAt" | "isAllDay" | "startDate" | "endDate" | "timeZone" | "showAs"
>;

/** An all-day boundary: midnight of the date, in the event's zone named the Windows way (UTC if it has no such name). */
function allDayBoundary(date: string | null, ianaTimeZone: string): DateTimeTimeZone {
  return { dateTime: `${date ?? ""}T00:00:00`, timeZone: findWindows(ianaTimeZone)[0] ?? "UTC" };
}

/**
 * A tag of a known element marks a body as HTML (one a platform sent through the API, say); text that merely holds
 * angle brackets ("x < y", "<nom>") stays text.
 */
const HTML_ELEMENT = /<\/?(?:html|body|div|p|br|hr|span|a|b|i|u|s|em|strong|font|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|img|blockquote|pre|code)(?:\s[^<>]*)?\/?>/i;

/** The body as Outlook should render it: HTML when the platform holds HTML, so its formatting survives; else text. */
export function graphBodyOf(body: string): ItemBody {
  return { contentType: HTML_ELEMENT.test(body) ? "html" : "text", content: body };
}

/**
 * What a personal event (made in the platform, or an Outlook event edited there) writes to its Outlook copy: the
 * fields the platform edits. The online link stays the platform's (Outlook's meeting link cannot be written).
 */
export function personalEventToGraphEventChanges(row: PersonalEventRow): GraphEvent {
  return {
    subject: row.title,
    body: graphBodyOf(row.body),
    isAllDay: row.isAllDay,
    start: row.isAllDay ? allDayBoundary(row.startDate, row.timeZone) : graphDateTime(row.startsAt, row.timeZone),
    end: row.isAllDay ? allDayBoundary(row.endDate, row.timeZone) : graphDateTime(row.endsAt, row.timeZone),
    location: { displayName: row.location ?? "" },
    showAs: row.showAs,
  };
}

/** A create: the changes, the transactionId that makes retrying it harmless, and the agenda id to find it again by. */
export function personalEventToGraphEvent(row: PersonalEventRow, transactionId: string): GraphEvent {
  return {
    ...personalEventToGraphEventChanges(row),
    transactionId,
    singleValueExtendedProperties: [{ id: AGENDA_EVENT_ID_PROPERTY, value: row.id }],
  };
}
