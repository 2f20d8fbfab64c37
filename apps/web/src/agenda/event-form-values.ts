import { DateTime } from "luxon";
import type { AgendaEvent, RouterInputs } from "../api/trpc";

/**
 * What the event form edits. Times are wall-clock values in the person's time zone, as <input type="datetime-local">
 * shows them; an all-day event's `end` is its last day (people think inclusively), the API's end date the day after.
 */
export interface EventFormValues {
  title: string;
  isAllDay: boolean;
  start: string;
  end: string;
  location: string;
  body: string;
}

/** An event's own fields, as `events.create` takes them and `events.update` changes them. */
export type EventFields = Omit<RouterInputs["events"]["create"], "onlineUrl" | "showAs">;

const LOCAL_DATE_TIME = "yyyy-LL-dd'T'HH:mm";
const LOCAL_DATE = "yyyy-LL-dd";

function localDateTime(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: timeZone }).toFormat(LOCAL_DATE_TIME);
}

function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toFormat(LOCAL_DATE);
}

export function formValuesFromEvent(event: AgendaEvent, timeZone: string): EventFormValues {
  const common = { title: event.title, isAllDay: event.isAllDay, location: event.location ?? "", body: event.body };
  if (event.isAllDay && event.startDate && event.endDate)
    return { ...common, start: event.startDate, end: addDays(event.endDate, -1) };
  return { ...common, start: localDateTime(event.startsAt, timeZone), end: localDateTime(event.endsAt, timeZone) };
}

/** A new event over a range picked in the calendar (FullCalendar's end is exclusive for all-day ranges). */
export function formValuesForRange(
  range: { start: string; end: string; allDay: boolean },
  timeZone: string,
): EventFormValues {
  const common = { title: "", isAllDay: range.allDay, location: "", body: "" };
  if (range.allDay) return { ...common, start: range.start.slice(0, 10), end: addDays(range.end.slice(0, 10), -1) };
  return { ...common, start: localDateTime(range.start, timeZone), end: localDateTime(range.end, timeZone) };
}

/** A new event from the toolbar button: the next whole hour, for an hour. */
export function formValuesForNextHour(now: Date, timeZone: string): EventFormValues {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf("hour").plus({ hours: 1 });
  return {
    title: "",
    isAllDay: false,
    start: start.toFormat(LOCAL_DATE_TIME),
    end: start.plus({ hours: 1 }).toFormat(LOCAL_DATE_TIME),
    location: "",
    body: "",
  };
}

/** The form as the API takes it, or why it cannot be sent. */
export function eventFieldsFromForm(
  values: EventFormValues,
  timeZone: string,
): { fields: EventFields } | { problem: "endBeforeStart" } {
  const common = { title: values.title.trim(), body: values.body, location: values.location.trim() || null, timeZone };
  if (values.isAllDay) {
    const startDate = values.start.slice(0, 10);
    const endDate = addDays(values.end.slice(0, 10), 1);
    if (endDate <= startDate) return { problem: "endBeforeStart" };
    return { fields: { ...common, isAllDay: true, startDate, endDate } };
  }
  const startsAt = DateTime.fromISO(values.start, { zone: timeZone });
  const endsAt = DateTime.fromISO(values.end, { zone: timeZone });
  if (!startsAt.isValid || !endsAt.isValid || endsAt <= startsAt) return { problem: "endBeforeStart" };
  return { fields: { ...common, isAllDay: false, startsAt: startsAt.toUTC().toISO(), endsAt: endsAt.toUTC().toISO() } };
}

/** Switching "all day" on or off keeps the same days, with times (9:00–10:00) when they come back. */
export function toggleAllDay(values: EventFormValues, isAllDay: boolean): EventFormValues {
  if (isAllDay === values.isAllDay) return values;
  if (isAllDay) return { ...values, isAllDay, start: values.start.slice(0, 10), end: values.end.slice(0, 10) };
  return { ...values, isAllDay, start: `${values.start}T09:00`, end: `${values.end}T10:00` };
}
