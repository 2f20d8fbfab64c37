import type { agendaEvents } from "@agenda/db/schema";
import type { DateTimeTimeZone, Event as GraphEvent, ItemBody } from "@microsoft/microsoft-graph-types";
import { findWindows } from "windows-iana";
import { AGENDA_EVENT_ID_PROPERTY } from "./outlook-event-tags";
import { isHtmlBody } from "../reconcile/body-reading";
import { graphDateTime } from "./formation-event-mapping";

type PersonalEventRow = Pick<
  typeof agendaEvents.$inferSelect,
  | "id"
  | "source"
  | "title"
  | "body"
  | "outlookBody"
  | "location"
  | "startsAt"
  | "endsAt"
  | "isAllDay"
  | "startDate"
  | "endDate"
  | "timeZone"
  | "showAs"
>;

/** An all-day boundary: midnight of the date, in the event's zone named the Windows way (UTC if it has no such name). */
function allDayBoundary(date: string | null, ianaTimeZone: string): DateTimeTimeZone {
  return { dateTime: `${date ?? ""}T00:00:00`, timeZone: findWindows(ianaTimeZone)[0] ?? "UTC" };
}

/** The body as Outlook should render it: HTML when the platform holds HTML, so its formatting survives; else text. */
export function graphBodyOf(body: string): ItemBody {
  return { contentType: isHtmlBody(body) ? "html" : "text", content: body };
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
