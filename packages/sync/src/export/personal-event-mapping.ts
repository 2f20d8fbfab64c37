import type { agendaEvents } from "@agenda/db/schema";
import type { DateTimeTimeZone, Event as GraphEvent } from "@microsoft/microsoft-graph-types";
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
 * What a personal event (made in the platform, or an Outlook event edited there) writes to its Outlook copy: the
 * fields the platform edits. The body goes as text, as the platform keeps it; the online link stays the platform's
 * (Outlook's meeting link cannot be written).
 */
export function personalEventToGraphEventChanges(row: PersonalEventRow): GraphEvent {
  return {
    subject: row.title,
    body: { contentType: "text", content: row.body },
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
