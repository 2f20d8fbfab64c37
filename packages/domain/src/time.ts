import { z } from "zod";

/**
 * The name Intl gives a zone however it was spelled (`eUrOpE/pArIs` → `Europe/Paris`, `Etc/UTC` → `UTC`), or
 * undefined for what is not a zone. One name per zone is what lets zones be compared and cached without input
 * multiplying them.
 */
export function canonicalTimeZone(value: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const ianaTimeZone = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: "invalidTimeZone" });
      return z.NEVER;
    }
    return canonical;
  });

/** An instant with an explicit offset (`Z` or `+02:00`): a wall-clock time alone would be ambiguous. */
export const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
export const isoDate = z.iso.date();

/** Keyed by canonical name only: however many spellings of a zone arrive, it gets one formatter. */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  const cached = wallClockFormatters.get(timeZone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  // Zones stored before inputs were canonicalised may be spelled otherwise: they pay for a formatter each call
  // rather than grow the cache.
  const canonical = formatter.resolvedOptions().timeZone;
  if (!wallClockFormatters.has(canonical)) wallClockFormatters.set(canonical, formatter);
  return formatter;
}

/** The wall-clock time of an instant in an IANA zone, without offset (Graph's `dateTime` form): `2026-03-29T09:30:00`. */
export function wallClockIn(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    wallClockFormatter(timeZone)
      .formatToParts(instant)
      .map(({ type, value }) => [type, value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** How many zones `wallClockIn` holds a formatter for: what tests watch to see the cache stays bounded. */
export function wallClockZoneCount(): number {
  return wallClockFormatters.size;
}

/** Offset of `timeZone` from UTC at `instant`, in minutes. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(
    (Date.parse(`${wallClockIn(instant, timeZone)}Z`) - Math.floor(instant.getTime() / 1000) * 1000) / 60_000,
  );
}

/** The instant a calendar date starts in a time zone (local midnight), DST included. */
export function startOfDateInZone(date: string, timeZone: string): Date {
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  const firstGuess = new Date(midnightUtc.getTime() - offsetMinutes(midnightUtc, timeZone) * 60_000);
  // The offset at the guess can differ from the offset at UTC midnight when a DST change falls in between.
  return new Date(midnightUtc.getTime() - offsetMinutes(firstGuess, timeZone) * 60_000);
}
