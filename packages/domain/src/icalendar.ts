import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";
import { offsetMinutes } from "./time";

/**
 * iCalendar (RFC 5545) text for calendar apps: the private feeds and the single-formation downloads.
 *
 * The lines are written here rather than through ical-generator: version 10 (the last for Node 20) took over a
 * second for 2,000 events on the 2-core machine, in UTC as with luxon's zoned times (its folding encodes each character
 * to count its octets), against a target well under 50 ms. What is hard to get right comes from elsewhere: the
 * VTIMEZONE definitions from timezones-ical-library, offsets from Intl, and the tests read the output back with
 * Mozilla's ical.js.
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

/** "00" to "59", looked up: a feed writes 10,000 date-times. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, "0"));

/** `20260329T073000`: from the date's fields, four times as fast as cutting up toISOString. */
function dateTimeDigits(instant: Date): string {
  return `${instant.getUTCFullYear()}${TWO_DIGITS[instant.getUTCMonth() + 1]}${TWO_DIGITS[instant.getUTCDate()]}T${TWO_DIGITS[instant.getUTCHours()]}${TWO_DIGITS[instant.getUTCMinutes()]}${TWO_DIGITS[instant.getUTCSeconds()]}`;
}

const utc = (instant: Date) => `${dateTimeDigits(instant)}Z`;
const dateValue = (date: string) => date.replaceAll("-", "");

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
  for (const { from, until } of repeated) if (time >= from && time < until) return undefined;
  let offset = 0;
  for (const change of offsets) {
    if (change.at > time) break;
    offset = change.offset;
  }
  return dateTimeDigits(new Date(time + offset * MINUTE_MS));
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** What a TEXT value escapes, drops or mends: `\ ; ,`, line breaks, controls but tab, and UTF-16 surrogates. */
// eslint-disable-next-line no-control-regex -- TEXT cannot hold control characters: finding them is the point.
const TEXT_SPECIAL = /[\\;,\n\r\u0000-\u0008\u000b-\u001f\u007f\ud800-\udfff]/g;

/**
 * A TEXT value (RFC 5545 3.3.11): `\ ; ,` and newlines escaped, other controls but tab dropped, and a UTF-16
 * surrogate without its other half (which no UTF-8 can carry) made U+FFFD, as encoders make it. A feed escapes a
 * megabyte of text: the regular expression finds each special character and the runs between are copied whole,
 * over twice as fast as a regular expression calling back for each match, a third faster than a loop over characters.
 */
function text(value: string): string {
  TEXT_SPECIAL.lastIndex = 0;
  let found = TEXT_SPECIAL.exec(value);
  if (found === null) return value;
  let escaped = "";
  // value[copied, found.index) is still to be appended as it is.
  let copied = 0;
  while (found !== null) {
    const at = found.index;
    const code = value.charCodeAt(at);
    let replacement: string;
    let next = at + 1;
    if (code === 0x5c) replacement = "\\\\";
    else if (code === 0x3b) replacement = "\\;";
    else if (code === 0x2c) replacement = "\\,";
    else if (code === 0x0a) replacement = "\\n";
    else if (code === 0x0d) {
      replacement = "\\n";
      // CRLF is one line break.
      if (value.charCodeAt(next) === 0x0a) next++;
    } else if (isHighSurrogate(code) && isLowSurrogate(value.charCodeAt(next))) {
      // A whole pair: kept as it is.
      TEXT_SPECIAL.lastIndex = at + 2;
      found = TEXT_SPECIAL.exec(value);
      continue;
    } else if (code >= 0xd800) replacement = "\uFFFD";
    else replacement = "";
    escaped += value.slice(copied, at) + replacement;
    copied = next;
    TEXT_SPECIAL.lastIndex = next;
    found = TEXT_SPECIAL.exec(value);
  }
  return escaped + value.slice(copied);
}

const CONTINUATION = `${CRLF} `;

/**
 * A content line folded at 75 octets (continuation lines start with a space), never inside a UTF-8 sequence nor
 * between the halves of a surrogate pair.
 */
function fold(line: string): string {
  // Three octets a character at most (four for two UTF-16 units): short lines need no count.
  if (line.length * 3 <= MAX_LINE_OCTETS) return line;
  const octets = Buffer.byteLength(line);
  if (octets <= MAX_LINE_OCTETS) return line;
  if (octets === line.length) {
    // ASCII, an octet a character: cut every 75, then 74 after the space.
    let folded = line.slice(0, MAX_LINE_OCTETS);
    for (let start = MAX_LINE_OCTETS; start < line.length; start += MAX_LINE_OCTETS - 1)
      folded += CONTINUATION + line.slice(start, start + MAX_LINE_OCTETS - 1);
    return folded;
  }
  let folded = "";
  let start = 0;
  let used = 0;
  let limit = MAX_LINE_OCTETS;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    const pair = isHighSurrogate(code) && isLowSurrogate(line.charCodeAt(i + 1));
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (used + size > limit) {
      folded += (start === 0 ? "" : CONTINUATION) + line.slice(start, i);
      start = i;
      used = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    used += size;
    if (pair) i++;
  }
  return folded + CONTINUATION + line.slice(start);
}

function dateTimeLines(entry: CalendarEntry): [start: string, end: string] {
  if ("startDate" in entry.when)
    return [
      `DTSTART;VALUE=DATE:${dateValue(entry.when.startDate)}`,
      `DTEND;VALUE=DATE:${dateValue(entry.when.endDate)}`,
    ];
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
  if (options.refreshIntervalHours)
    lines.push(
      `REFRESH-INTERVAL;VALUE=DURATION:PT${options.refreshIntervalHours}H`,
      `X-PUBLISHED-TTL:PT${options.refreshIntervalHours}H`,
    );
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
