import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";
import { offsetMinutes } from "./time";

/**
 * iCalendar (RFC 5545) text for calendar apps: the private feeds and the single-formation downloads.
 *
 * The lines are written here rather than through ical-generator: for 2,000 events it took 86–200 ms on the 2-core
 * machine (its line folding appends character by character, and zoned times need luxon or TZDate objects), against a
 * target well under 50 ms. What is hard to get right comes from elsewhere: the VTIMEZONE definitions from
 * timezones-ical-library, offsets from Intl, and the tests read the output back with Mozilla's ical.js.
 */

/** One VEVENT. */
export interface CalendarEntry {
  /** Stable across changes and across the feed and downloads: a client holding both keeps one event. */
  uid: string;
  /** Raised on each change, so clients replace what they hold. */
  sequence: number;
  title: string;
  description: string;
  location: string | null;
  /** The event's page on the platform. */
  url: string | null;
  cancelled: boolean;
  /** Instants shown in the zone they were scheduled in, or all-day dates (the end exclusive). */
  when: { startsAt: Date; endsAt: Date; timeZone: string } | { startDate: string; endDate: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface CalendarOptions {
  name: string;
  /**
   * `PUBLISH` for a file people import once. Without a method (a subscribed feed) DTSTAMP is when each event was
   * last revised, so the same data always gives the same text (and the same ETag); with one it is `stampedAt`, when
   * the object was made (RFC 5545 3.8.7.2).
   */
  method?: { name: "PUBLISH"; stampedAt: Date };
  /** How often subscribed clients should poll (REFRESH-INTERVAL, and Outlook's X-PUBLISHED-TTL). */
  refreshIntervalHours?: number;
}

const PRODUCT_ID = "-//Agenda//Formations//FR";
const CRLF = "\r\n";
/** RFC 5545 3.1: lines longer than 75 octets are folded; continuation lines start with one space. */
const MAX_LINE_OCTETS = 75;

/** The zones timezones-ical-library defines; others (and UTC) are written as UTC instants, which every client reads. */
const knownZones = new Set(tzlib_get_timezones(false) as string[]);
/** One VTIMEZONE per zone, bounded by the library's list (a few hundred zones). */
const vtimezones = new Map<string, { tzid: string; block: string }>();

function vtimezoneOf(timeZone: string): { tzid: string; block: string } | undefined {
  if (timeZone === "UTC" || !knownZones.has(timeZone)) return undefined;
  const cached = vtimezones.get(timeZone);
  if (cached) return cached;
  const [block, tzidLine] = tzlib_get_ical_block(timeZone, false) as [string, string];
  // The library names some zones by their canonical tz name (its TZID can differ from ours): DTSTART must use it.
  const defined = { tzid: tzidLine.replace(/^TZID=/, ""), block: block.trim().split(/\r?\n/).join(CRLF) };
  vtimezones.set(timeZone, defined);
  return defined;
}

const twoDigits = (value: number) => (value < 10 ? `0${value}` : `${value}`);

/** `20260329T073000`: a feed writes 10,000 of them, so from the date's fields rather than through toISOString. */
function dateTimeDigits(instant: Date): string {
  const date = `${instant.getUTCFullYear()}${twoDigits(instant.getUTCMonth() + 1)}${twoDigits(instant.getUTCDate())}`;
  return `${date}T${twoDigits(instant.getUTCHours())}${twoDigits(instant.getUTCMinutes())}${twoDigits(instant.getUTCSeconds())}`;
}

const utc = (instant: Date) => `${dateTimeDigits(instant)}Z`;
const dateValue = (date: string) => date.replaceAll("-", "");

/** A UTF-16 surrogate without its other half: no UTF-8 can carry it, so it becomes U+FFFD as encoders make it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A zone's offsets through a UTC year (and a day either side). */
interface ZoneYear {
  /** From `at` (ms) on, the zone is `offset` minutes ahead of UTC; in order, the first at the span's start. */
  offsets: Array<{ at: number; offset: number }>;
  /** Instants whose wall clock happens twice (around each fall back), `[from, until)`. */
  repeated: Array<{ from: number; until: number }>;
}

/**
 * Each zone's offset changes during a year, found once with Intl: a sample a day, then bisection to the minute.
 * Asking Intl for every instant of a 2,000-event feed took about 50 ms; this is a search. Bounded by the zones in use
 * and the years feeds cover; emptied past that.
 */
const zoneYears = new Map<string, ZoneYear>();
const MAX_ZONE_YEARS = 2_000;

function zoneYearOf(timeZone: string, year: number): ZoneYear {
  const key = `${timeZone} ${year}`;
  const cached = zoneYears.get(key);
  if (cached) return cached;
  const offsetAt = (time: number) => offsetMinutes(new Date(time), timeZone);
  const from = Date.UTC(year, 0, 1) - DAY_MS;
  const zoneYear: ZoneYear = { offsets: [{ at: from, offset: offsetAt(from) }], repeated: [] };
  let before = offsetAt(from);
  for (let day = from; day < Date.UTC(year + 1, 0, 1) + DAY_MS; day += DAY_MS) {
    const after = offsetAt(day + DAY_MS);
    if (after === before) continue;
    let low = day;
    let high = day + DAY_MS;
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offsetAt(middle) === before) low = middle;
      else high = middle;
    }
    zoneYear.offsets.push({ at: high, offset: after });
    // Clocks set back by d: the d before the change and the d after it show the same wall clocks.
    const setBack = (before - after) * MINUTE_MS;
    if (setBack > 0) zoneYear.repeated.push({ from: high - setBack, until: high + setBack });
    before = after;
  }
  if (zoneYears.size >= MAX_ZONE_YEARS) zoneYears.clear();
  zoneYears.set(key, zoneYear);
  return zoneYear;
}

/**
 * The instant's wall clock in its zone as iCalendar writes it (`20260329T093000`), or undefined when that wall clock
 * happens twice: RFC 5545 3.3.5 reads such a time as the first of the two, so the instant goes as UTC instead.
 */
function localDateTime(instant: Date, timeZone: string): string | undefined {
  const time = instant.getTime();
  const { offsets, repeated } = zoneYearOf(timeZone, instant.getUTCFullYear());
  if (repeated.some(({ from, until }) => time >= from && time < until)) return undefined;
  const offset = offsets.findLast(({ at }) => at <= time)?.offset ?? 0;
  return dateTimeDigits(new Date(time + offset * MINUTE_MS));
}

/** What a TEXT value (RFC 5545 3.3.11) escapes or drops, in one pass: `\ ; ,` and newlines escaped, controls dropped. */
// eslint-disable-next-line no-control-regex -- TEXT cannot hold control characters: finding them is the point.
const TEXT_SPECIALS = /[\\;,\n]|\r\n?|[\u0000-\u0008\u000b-\u001f\u007f]/g;
const ESCAPED: Record<string, string> = { "\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": "\\n", "\r\n": "\\n" };
const SURROGATE = /[\uD800-\uDFFF]/;

function text(value: string): string {
  const wellFormed = SURROGATE.test(value) ? value.replace(LONE_SURROGATE, "\uFFFD") : value;
  return wellFormed.replace(TEXT_SPECIALS, (special) => ESCAPED[special] ?? "");
}

const utf8Octets = (code: number) => (code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xdc00 && code <= 0xdfff ? 1 : 3);

/**
 * A content line folded at 75 octets (continuation lines start with a space), never inside a UTF-8 sequence nor
 * between the halves of a surrogate pair (counted 3 + 1 octets, together the 4 of their character).
 */
function fold(line: string): string {
  if (line.length <= MAX_LINE_OCTETS && Buffer.byteLength(line) <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let limit = MAX_LINE_OCTETS;
  for (let start = 0; start < line.length; limit = MAX_LINE_OCTETS - 1) {
    // As many characters as octets allowed, then back off by the octets over.
    let end = Math.min(line.length, start + limit);
    let excess = Buffer.byteLength(line.slice(start, end)) - limit;
    while (excess > 0) excess -= utf8Octets(line.charCodeAt(--end));
    const last = line.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(line.slice(start, end));
    start = end;
  }
  return parts.join(`${CRLF} `);
}

function dateTimeLines(entry: CalendarEntry): [start: string, end: string] {
  if ("startDate" in entry.when) return [`DTSTART;VALUE=DATE:${dateValue(entry.when.startDate)}`, `DTEND;VALUE=DATE:${dateValue(entry.when.endDate)}`];
  const { startsAt, endsAt, timeZone } = entry.when;
  const zone = vtimezoneOf(timeZone);
  const start = zone && localDateTime(startsAt, timeZone);
  const end = zone && localDateTime(endsAt, timeZone);
  if (!start || !end) return [`DTSTART:${utc(startsAt)}`, `DTEND:${utc(endsAt)}`];
  return [`DTSTART;TZID=${zone.tzid}:${start}`, `DTEND;TZID=${zone.tzid}:${end}`];
}

/** A VEVENT, CRLF-terminated; the lines people's text can make long are folded. */
function eventText(entry: CalendarEntry, stampedAt: Date | undefined): string {
  const [start, end] = dateTimeLines(entry);
  const revised = utc(entry.updatedAt);
  let event =
    `BEGIN:VEVENT${CRLF}${fold(`UID:${text(entry.uid)}`)}${CRLF}SEQUENCE:${entry.sequence}${CRLF}` +
    `DTSTAMP:${stampedAt ? utc(stampedAt) : revised}${CRLF}CREATED:${utc(entry.createdAt)}${CRLF}LAST-MODIFIED:${revised}${CRLF}` +
    `${start}${CRLF}${end}${CRLF}${fold(`SUMMARY:${text(entry.title)}`)}${CRLF}`;
  if (entry.description) event += fold(`DESCRIPTION:${text(entry.description)}`) + CRLF;
  if (entry.location) event += fold(`LOCATION:${text(entry.location)}`) + CRLF;
  if (entry.url) event += fold(`URL:${entry.url}`) + CRLF;
  return `${event}STATUS:${entry.cancelled ? "CANCELLED" : "CONFIRMED"}${CRLF}END:VEVENT${CRLF}`;
}

/** A VCALENDAR holding the entries, with a VTIMEZONE for each zone they use, folded and CRLF-terminated. */
export function renderCalendar(entries: readonly CalendarEntry[], options: CalendarOptions): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${PRODUCT_ID}`, "CALSCALE:GREGORIAN"];
  if (options.method) lines.push(`METHOD:${options.method.name}`);
  lines.push(`NAME:${text(options.name)}`, `X-WR-CALNAME:${text(options.name)}`);
  if (options.refreshIntervalHours) lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${options.refreshIntervalHours}H`, `X-PUBLISHED-TTL:PT${options.refreshIntervalHours}H`);
  let calendar = "";
  for (const line of lines) calendar += fold(line) + CRLF;

  // Keyed by TZID: two spellings the library defines as one zone get one VTIMEZONE.
  const definitions = new Map<string, string>();
  for (const zone of [...new Set(entries.flatMap(({ when }) => ("timeZone" in when ? [when.timeZone] : [])))].sort()) {
    const defined = vtimezoneOf(zone);
    if (defined) definitions.set(defined.tzid, defined.block);
  }
  for (const block of definitions.values()) calendar += block + CRLF;

  for (const entry of entries) calendar += eventText(entry, options.method?.stampedAt);
  return `${calendar}END:VCALENDAR${CRLF}`;
}
