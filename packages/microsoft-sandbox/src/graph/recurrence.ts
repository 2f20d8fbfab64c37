import { z } from "zod";
import { DAY_MS } from "./time-zones";

const dayOfWeek = z.enum(["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]);
export type DayOfWeek = z.infer<typeof dayOfWeek>;
const DAYS: readonly DayOfWeek[] = dayOfWeek.options;
const weekIndex = z.enum(["first", "second", "third", "fourth", "last"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD");

/** Graph's patternedRecurrence, with Graph's defaults filled in so it reads back as Graph writes it. */
export const patternedRecurrenceSchema = z
  .object({
    pattern: z.object({
      type: z.enum(["daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"]),
      interval: z.number().int().min(1).max(999),
      month: z.number().int().min(0).max(12).default(0),
      dayOfMonth: z.number().int().min(0).max(31).default(0),
      daysOfWeek: z.array(dayOfWeek).default([]),
      firstDayOfWeek: dayOfWeek.default("sunday"),
      index: weekIndex.default("first"),
    }),
    range: z.object({
      type: z.enum(["endDate", "noEnd", "numbered"]),
      startDate: isoDate,
      endDate: isoDate.default("0001-01-01"),
      recurrenceTimeZone: z.string().default(""),
      numberOfOccurrences: z.number().int().min(0).default(0),
    }),
  })
  .superRefine((value, ctx) => {
    const { pattern, range } = value;
    const needsDays =
      pattern.type === "weekly" || pattern.type === "relativeMonthly" || pattern.type === "relativeYearly";
    if (needsDays && pattern.daysOfWeek.length === 0)
      ctx.addIssue({ code: "custom", message: `daysOfWeek is required for a ${pattern.type} pattern` });
    const needsDay = pattern.type === "absoluteMonthly" || pattern.type === "absoluteYearly";
    if (needsDay && pattern.dayOfMonth < 1)
      ctx.addIssue({ code: "custom", message: `dayOfMonth is required for a ${pattern.type} pattern` });
    if (pattern.type.endsWith("Yearly") && pattern.month < 1)
      ctx.addIssue({ code: "custom", message: `month is required for a ${pattern.type} pattern` });
    if (range.type === "endDate" && (range.endDate === "0001-01-01" || range.endDate < range.startDate)) {
      ctx.addIssue({ code: "custom", message: "range.endDate must be on or after range.startDate" });
    }
    if (range.type === "numbered" && range.numberOfOccurrences < 1)
      ctx.addIssue({ code: "custom", message: "range.numberOfOccurrences must be at least 1" });
  });

export type PatternedRecurrence = z.infer<typeof patternedRecurrenceSchema>;

export function dateToDay(isoDay: string): number {
  return Math.floor(Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS);
}

export function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const weekday = (day: number): number => (day + 4) % 7;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function dayOf(year: number, monthIndex: number, dayOfMonth: number): number {
  return Math.floor(Date.UTC(year, monthIndex, Math.min(dayOfMonth, daysInMonth(year, monthIndex))) / DAY_MS);
}

/** The day of a month picked by index and weekdays, e.g. "the last weekday" or "the second Tuesday". */
function relativeDayOf(year: number, monthIndex: number, index: string, weekdays: ReadonlySet<number>): number {
  const first = dayOf(year, monthIndex, 1);
  const matches: number[] = [];
  for (let day = first; day < first + daysInMonth(year, monthIndex); day++)
    if (weekdays.has(weekday(day))) matches.push(day);
  const position = ["first", "second", "third", "fourth"].indexOf(index);
  return (position >= 0 ? matches[position] : undefined) ?? (matches[matches.length - 1] as number);
}

function* dailyDays(start: number, interval: number): Generator<number> {
  for (let day = start; ; day += interval) yield day;
}

function* weeklyDays(
  start: number,
  pattern: PatternedRecurrence["pattern"],
  weekdays: ReadonlySet<number>,
): Generator<number> {
  const firstDay = DAYS.indexOf(pattern.firstDayOfWeek);
  const weekStart = start - ((weekday(start) - firstDay + 7) % 7);
  const offsets = [...weekdays].map((wd) => (wd - firstDay + 7) % 7).sort((a, b) => a - b);
  for (let week = weekStart; ; week += 7 * pattern.interval) {
    for (const offset of offsets) if (week + offset >= start) yield week + offset;
  }
}

function* monthlyOrYearlyDays(
  start: number,
  pattern: PatternedRecurrence["pattern"],
  weekdays: ReadonlySet<number>,
): Generator<number> {
  const startDate = new Date(start * DAY_MS);
  const monthly = pattern.type.endsWith("Monthly");
  const stepMonths = monthly ? pattern.interval : 12 * pattern.interval;
  const firstMonth = monthly ? startDate.getUTCMonth() : pattern.month - 1;
  for (let step = 0; ; step++) {
    const months = firstMonth + step * stepMonths;
    const year = startDate.getUTCFullYear() + Math.floor(months / 12);
    const month = months % 12;
    const day = pattern.type.startsWith("absolute")
      ? dayOf(year, month, pattern.dayOfMonth)
      : relativeDayOf(year, month, pattern.index, weekdays);
    if (day >= start) yield day;
  }
}

/** Candidate days of the pattern, ascending, from the range start; unbounded (the caller stops). */
function patternDays(recurrence: PatternedRecurrence): Generator<number> {
  const { pattern } = recurrence;
  const start = dateToDay(recurrence.range.startDate);
  const weekdays = new Set(pattern.daysOfWeek.map((name) => DAYS.indexOf(name)));
  if (pattern.type === "daily") return dailyDays(start, pattern.interval);
  if (pattern.type === "weekly") return weeklyDays(start, pattern, weekdays);
  return monthlyOrYearlyDays(start, pattern, weekdays);
}

/**
 * Days (since epoch, in the series' own time zone) on which the series has an occurrence, ascending, up to
 * `untilDay` inclusive. Outlook moves a monthly "31st" to the month's last day; so does this.
 */
export function* occurrenceDays(recurrence: PatternedRecurrence, untilDay: number): Generator<number> {
  const { range } = recurrence;
  const endDay = range.type === "endDate" ? dateToDay(range.endDate) : Number.POSITIVE_INFINITY;
  let remaining = range.type === "numbered" ? range.numberOfOccurrences : Number.POSITIVE_INFINITY;
  for (const day of patternDays(recurrence)) {
    if (day > untilDay || day > endDay || remaining <= 0) return;
    remaining--;
    yield day;
  }
}
