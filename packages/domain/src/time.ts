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

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in an IANA zone, without offset (Graph's `dateTime` form): `2026-03-29T09:30:00`. */
export function wallClockIn(instant: Date, timeZone: string): string {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map(({ type, value }) => [type, value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Offset of `timeZone` from UTC at `instant`, in minutes. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round((Date.parse(`${wallClockIn(instant, timeZone)}Z`) - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar date starts in a time zone (local midnight), DST included. */
export function startOfDateInZone(date: string, timeZone: string): Date {
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  const firstGuess = new Date(midnightUtc.getTime() - offsetMinutes(midnightUtc, timeZone) * 60_000);
  // The offset at the guess can differ from the offset at UTC midnight when a DST change falls in between.
  return new Date(midnightUtc.getTime() - offsetMinutes(firstGuess, timeZone) * 60_000);
}
