import type { GraphContext } from "../context";
import { GraphError } from "../errors";
import type { CalendarRecord } from "../mailbox-store";

/** OData query options are case-insensitive ($TOP, startdatetime…); Hono's lookup is not. */
export function queryParam(c: GraphContext, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(c.req.query())) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The calendar a route works on: `/me/...` and `/me/calendar/...` mean the default calendar. */
export interface CalendarScope {
  prefix: string;
  calendar(c: GraphContext): CalendarRecord;
}

export const CALENDAR_SCOPES: readonly CalendarScope[] = [
  { prefix: "", calendar: (c) => c.get("mailbox").defaultCalendar },
  { prefix: "/calendar", calendar: (c) => c.get("mailbox").defaultCalendar },
  { prefix: "/calendars/:calendarId", calendar: (c) => c.get("mailbox").calendar(c.req.param("calendarId") ?? "") },
];

const WINDOW_REQUIRED =
  "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.";

/** calendarView's window: both bounds required; a bound without offset is UTC (Prefer: outlook.timezone does not apply). */
export function parseWindowBound(value: string | undefined, name: string): number {
  if (value === undefined || value.trim() === "") throw new GraphError(400, "ErrorInvalidParameter", WINDOW_REQUIRED);
  const text = value.trim();
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  // Date.parse reads a date-only value as UTC already, and a date-time without offset as local time.
  const at = Date.parse(hasOffset || !text.includes("T") ? text : `${text}Z`);
  if (Number.isNaN(at))
    throw new GraphError(400, "ErrorInvalidParameter", `The value '${value}' of parameter '${name}' is invalid.`);
  return at;
}

export function parseWindow(c: GraphContext): { start: number; end: number } {
  const start = parseWindowBound(queryParam(c, "startDateTime"), "StartDateTime");
  const end = parseWindowBound(queryParam(c, "endDateTime"), "EndDateTime");
  if (end < start)
    throw new GraphError(
      400,
      "ErrorInvalidParameter",
      "The parameter 'EndDateTime' must be later than 'StartDateTime'.",
    );
  return { start, end };
}

/** Page size from $top or Prefer: odata.maxpagesize, capped by the server. */
export function pageSize(
  c: GraphContext,
  top: number | undefined,
  defaultSize: number,
  maxSize: number,
): { size: number; preferenceApplied: number | undefined } {
  const preferred = c.get("preferences").maxPageSize;
  if (top !== undefined) return { size: Math.min(top, maxSize), preferenceApplied: undefined };
  if (preferred !== undefined) {
    const size = Math.min(preferred, maxSize);
    return { size, preferenceApplied: size };
  }
  return { size: defaultSize, preferenceApplied: undefined };
}
