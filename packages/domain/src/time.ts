import { z } from "zod";

export function isIanaTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const ianaTimeZone = z.string().max(64).refine(isIanaTimeZone, { message: "invalidTimeZone" });
/** An instant with an explicit offset (`Z` or `+02:00`): a wall-clock time alone would be ambiguous. */
export const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
export const isoDate = z.iso.date();

/** Offset of `timeZone` from UTC at `instant`, in minutes. */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wallClockAsUtc = Date.UTC(field("year"), field("month") - 1, field("day"), field("hour"), field("minute"), field("second"));
  return Math.round((wallClockAsUtc - instant.getTime()) / 60_000);
}

/** The instant a calendar date starts in a time zone (local midnight), DST included. */
export function startOfDateInZone(date: string, timeZone: string): Date {
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  const firstGuess = new Date(midnightUtc.getTime() - offsetMinutes(midnightUtc, timeZone) * 60_000);
  // The offset at the guess can differ from the offset at UTC midnight when a DST change falls in between.
  return new Date(midnightUtc.getTime() - offsetMinutes(firstGuess, timeZone) * 60_000);
}
