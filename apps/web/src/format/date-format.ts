import type { AgendaEvent } from "../api/trpc";

const DAY_MS = 86_400_000;

/** A date-only value ("2026-11-26") as a Date at UTC midnight: formatted in UTC, it never shifts a day. */
const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * When an event happens, in the person's language and time zone. All-day events are dates, the same in every
 * zone, and their end date is exclusive.
 */
export function formatEventWhen(
  event: Pick<AgendaEvent, "isAllDay" | "startsAt" | "endsAt" | "startDate" | "endDate">,
  locale: string,
  timeZone: string,
): string {
  if (event.isAllDay && event.startDate && event.endDate) {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeZone: "UTC" });
    const first = utcDate(event.startDate);
    const last = new Date(utcDate(event.endDate).getTime() - DAY_MS);
    return last <= first ? format.format(first) : format.formatRange(first, last);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone }).formatRange(
    new Date(event.startsAt),
    new Date(event.endsAt),
  );
}

/** A moment (last sync, connection date) in the person's language and time zone. */
export function formatInstant(instant: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(instant),
  );
}
