import type { EventInput } from "@fullcalendar/core";
import type { AgendaEvent, EventSource, RouterInputs } from "../api/trpc";

/** In the order the legend lists them. */
export const EVENT_SOURCES: readonly EventSource[] = ["formation", "outlook", "platform"];

/** The class that gives each source its look, shared by the calendar and the legend. */
export const sourceClassName = (source: EventSource) => `event-source-${source}`;

/** Only personal events change here: formations change with the formation, Outlook events in Outlook. */
export const isEditable = (event: AgendaEvent) => event.source === "platform";

/** An agenda event as FullCalendar shows it; the event itself rides along for the details dialog. */
export function toCalendarEvent(event: AgendaEvent): EventInput {
  return {
    id: event.id,
    title: event.title,
    start: event.isAllDay && event.startDate ? event.startDate : event.startsAt,
    end: event.isAllDay && event.endDate ? event.endDate : event.endsAt,
    allDay: event.isAllDay,
    editable: isEditable(event),
    // A cancelled formation's sessions stay in the agenda, struck through, so people notice they will not happen.
    classNames: event.cancelled ? [sourceClassName(event.source), "event-cancelled"] : [sourceClassName(event.source)],
    // FullCalendar sorts missing values last: every event says whether it is a day's "+N autres".
    extendedProps: { agendaEvent: event, listedLast: false },
  };
}

type EventTiming = Pick<RouterInputs["events"]["update"], "isAllDay" | "startsAt" | "endsAt" | "startDate" | "endDate">;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The timing of an event FullCalendar moved or resized, as `events.update` takes it. All-day events keep their
 * dates (FullCalendar's end is exclusive, as the API's); timed events become instants.
 */
export function timingOfMovedEvent(moved: {
  allDay: boolean;
  start: Date | null;
  end: Date | null;
  startStr: string;
  endStr: string;
}): EventTiming {
  if (!moved.start) throw new Error("a moved event always has a start");
  if (moved.allDay) {
    const startDate = moved.startStr.slice(0, 10);
    const endDate = moved.endStr
      ? moved.endStr.slice(0, 10)
      : new Date(Date.parse(`${startDate}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    return { isAllDay: true, startDate, endDate };
  }
  const end = moved.end ?? new Date(moved.start.getTime() + HOUR_MS);
  return { isAllDay: false, startsAt: moved.start.toISOString(), endsAt: end.toISOString() };
}

/** A day in the month grid holding more events than it shows: how many more. */
export interface HiddenEvents {
  date: string;
  count: number;
}

/**
 * What the month grid shows of a busy month: each day's first `perDay` events (all-day first, then by start),
 * and for each fuller day how many more it holds. FullCalendar measures every event it is given to decide what
 * fits, which takes seconds for a month of thousands; giving it only what fits keeps the month fast.
 * Events lasting several days count on the day they start.
 */
export function condenseMonth(
  events: readonly AgendaEvent[],
  timeZone: string,
  perDay: number,
): { shown: AgendaEvent[]; hidden: HiddenEvents[] } {
  const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const byDay = new Map<string, AgendaEvent[]>();
  for (const event of events) {
    const day = event.isAllDay && event.startDate ? event.startDate : dayOf.format(new Date(event.startsAt));
    const list = byDay.get(day);
    if (list) list.push(event);
    else byDay.set(day, [event]);
  }
  const shown: AgendaEvent[] = [];
  const hidden: HiddenEvents[] = [];
  for (const [date, list] of byDay) {
    if (list.length <= perDay) {
      shown.push(...list);
      continue;
    }
    list.sort(
      (a, b) =>
        Number(b.isAllDay) - Number(a.isAllDay) || (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0),
    );
    shown.push(...list.slice(0, perDay));
    hidden.push({ date, count: list.length - perDay });
  }
  return { shown, hidden };
}

/** The month grid's "+N autres" for a day: an entry of its own, after the day's events, that opens the day. */
export function hiddenEventsEntry(hidden: HiddenEvents, label: string): EventInput {
  return {
    id: `hidden-${hidden.date}`,
    title: label,
    start: hidden.date,
    allDay: true,
    editable: false,
    classNames: ["event-hidden-count"],
    extendedProps: { listedLast: true },
  };
}
