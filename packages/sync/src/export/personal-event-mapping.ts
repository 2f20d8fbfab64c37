import type { agendaEvents } from "@agenda/db/schema";
import type { DateTimeTimeZone, Event as GraphEvent, ItemBody } from "@microsoft/microsoft-graph-types";
import { findWindows } from "windows-iana";
import { AGENDA_EVENT_ID_PROPERTY } from "../outlook-event-tags";
import { graphDateTime } from "./formation-event-mapping";

type PersonalEventRow = Pick<
  typeof agendaEvents.$inferSelect,
  "id" | "source" | "title" | "body" | "outlookBody" | "location" | "startsAt" | "endsAt" | "isAllDay" | "startDate" | "endDate" | "timeZone" | "showAs"
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

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntity(entity: string, name: string): string {
  const hex = /^#x([\da-f]+)$/i.exec(name)?.[1];
  const decimal = /^#(\d+)$/.exec(name)?.[1];
  const code = hex ? Number.parseInt(hex, 16) : decimal ? Number.parseInt(decimal, 10) : undefined;
  if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  return ENTITIES[name.toLowerCase()] ?? entity;
}

/**
 * What a body reads as, roughly as Outlook renders HTML as text: markup dropped, entities decoded. Without any white
 * space: where HTML breaks lines (paragraphs, list items) is where renderings of it as text differ.
 */
function bodyReading(body: string): string {
  const text = HTML_ELEMENT.test(body)
    ? body
        .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, "")
        .replace(/<[^>]+>/g, "")
        .replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, decodeEntity)
    : body;
  return text.replace(/\s+/g, "");
}

/**
 * Whether a platform body and the text Outlook gives for its copy's body say the same thing. The import reads
 * bodies as text, so an HTML body the platform wrote comes back without its markup: that is no edit.
 */
export function sameBodyReading(platformBody: string, outlookText: string): boolean {
  return bodyReading(platformBody) === bodyReading(outlookText);
}

/**
 * Whether the body was edited here since it was last synced with Outlook. The import reads bodies as text: writing
 * one back unchanged would flatten Outlook's HTML (formatting, links, the Teams join block). When the last synced
 * body is unknown (rows synced before it was recorded, with an edit still pending then), an Outlook event's body is
 * left as Outlook has it rather than risk that; a platform event's body is the platform's own, and is written.
 */
export function bodyEditedSinceSync(row: Pick<PersonalEventRow, "source" | "body" | "outlookBody">): boolean {
  return row.outlookBody === null ? row.source !== "outlook" : row.body !== row.outlookBody;
}

/**
 * What a personal event (made in the platform, or an Outlook event edited there) writes to its Outlook copy: the
 * fields the platform edits, the body only when edited here. The online link stays the platform's (Outlook's
 * meeting link cannot be written).
 */
export function personalEventToGraphEventChanges(row: PersonalEventRow): GraphEvent {
  return {
    subject: row.title,
    ...(bodyEditedSinceSync(row) ? { body: graphBodyOf(row.body) } : {}),
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
    body: graphBodyOf(row.body),
    transactionId,
    singleValueExtendedProperties: [{ id: AGENDA_EVENT_ID_PROPERTY, value: row.id }],
  };
}
