import { WINDOWS_TO_IANA_MAP, findWindows } from "windows-iana";

/** A time zone as Graph names it to clients (`name`: what they sent) and as the sandbox computes with it (`iana`). */
export interface ResolvedTimeZone {
  name: string;
  iana: string;
  windows: string;
}

const windowsByLowerName = new Map<string, { windows: string; iana: string }>();
for (const entry of WINDOWS_TO_IANA_MAP) {
  const iana = entry.iana[0];
  // CLDR's "001" territory row names the zone Windows treats as canonical for that name.
  if (iana && entry.territory === "001")
    windowsByLowerName.set(entry.windowsName.toLowerCase(), { windows: entry.windowsName, iana });
}

const resolved = new Map<string, ResolvedTimeZone | null>();

/** The one name Intl gives a zone however it is spelled (`eUrOpE/pArIs` → `Europe/Paris`); undefined for no zone. */
function canonicalIanaZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function resolveName(name: string): ResolvedTimeZone | null {
  if (name.toUpperCase() === "UTC") return { name, iana: "UTC", windows: "UTC" };
  const windows = windowsByLowerName.get(name.toLowerCase());
  if (windows) return { name, iana: windows.iana, windows: windows.windows };
  // Canonical, so the formatters and offsets below, keyed by it, hold one entry per zone however clients spell it.
  const iana = canonicalIanaZone(name);
  return iana ? { name, iana, windows: findWindows(iana)[0] ?? "tzone://Microsoft/Custom" } : null;
}

/** Accepts Windows names ("Romance Standard Time") and IANA names ("Europe/Paris"), as Graph does. */
export function resolveTimeZone(name: string): ResolvedTimeZone | undefined {
  const cached = resolved.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const result = resolveName(name.trim());
  // Names come from requests, valid or not: the cache starts over rather than grow past 1,000 of them.
  if (resolved.size >= 1_000) resolved.clear();
  resolved.set(name, result);
  return result ?? undefined;
}

export const UTC: ResolvedTimeZone = { name: "UTC", iana: "UTC", windows: "UTC" };

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

function formatterFor(iana: string): Intl.DateTimeFormat {
  let formatter = formatters.get(iana);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: iana,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(iana, formatter);
  }
  return formatter;
}

/** Offset (local minus UTC, in ms) of a zone at an instant; zone offsets only change on quarter hours, hence the cache key. */
export function zoneOffsetMs(iana: string, utcMs: number): number {
  if (iana === "UTC") return 0;
  let perZone = offsetCache.get(iana);
  if (!perZone) {
    perZone = new Map();
    offsetCache.set(iana, perZone);
  }
  const bucket = Math.floor(utcMs / QUARTER_HOUR);
  const cached = perZone.get(bucket);
  if (cached !== undefined) return cached;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(iana).formatToParts(new Date(bucket * QUARTER_HOUR))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const offset = asUtc - bucket * QUARTER_HOUR;
  if (perZone.size > 100_000) perZone.clear();
  perZone.set(bucket, offset);
  return offset;
}

/** Wall-clock time of a zone (expressed as ms since epoch as if the wall clock were UTC) → UTC instant. */
export function wallClockToUtc(wallMs: number, iana: string): number {
  if (iana === "UTC") return wallMs;
  const first = wallMs - zoneOffsetMs(iana, wallMs);
  const second = wallMs - zoneOffsetMs(iana, first);
  return second;
}

export function utcToWallClock(utcMs: number, iana: string): number {
  return utcMs + zoneOffsetMs(iana, utcMs);
}

const LOCAL_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses Graph's `dateTime` ("2024-05-01T10:00:00.0000000", also date-only or with an offset) into wall-clock ms and an optional explicit offset. */
export function parseGraphDateTime(value: string): { wallMs: number; offsetMs: number | undefined } | undefined {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const millis = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const wallMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    millis,
  );
  if (Number.isNaN(wallMs)) return undefined;
  const check = new Date(wallMs);
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) return undefined;
  let offsetMs: number | undefined;
  if (zone === "Z") offsetMs = 0;
  else if (zone)
    offsetMs =
      (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 3_600_000 + Number(zone.slice(4, 6)) * 60_000);
  return { wallMs, offsetMs };
}

/** Graph's seven-digit fraction format, e.g. "2024-05-01T10:00:00.0000000". */
export function formatGraphDateTime(wallMs: number): string {
  return `${new Date(wallMs).toISOString().slice(0, 19)}.0000000`;
}

/** ISO-8601 UTC with a Z, as Graph writes createdDateTime ("2024-05-01T10:00:00.1234567Z"). */
export function formatUtcTimestamp(utcMs: number): string {
  return `${new Date(utcMs).toISOString().slice(0, 23)}0000Z`;
}

export const DAY_MS = 86_400_000;
