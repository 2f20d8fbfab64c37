import type { EventContent, EventInstance, StoredItem } from "./event-model";
import { occurrenceDays, type PatternedRecurrence } from "./recurrence";
import { DAY_MS, resolveTimeZone, utcToWallClock, wallClockToUtc } from "./time-zones";

export interface TimeWindow {
  start: number;
  end: number;
}

/** calendarView's rule: an event belongs to the window when it overlaps it; an instant event when it falls inside. */
export function overlaps(start: number, end: number, window: TimeWindow): boolean {
  if (start === end) return start >= window.start && start < window.end;
  return start < window.end && end > window.start;
}

/** IANA zone a series recurs in: its range's zone, else its start's. */
export function seriesZone(recurrence: PatternedRecurrence | null, startTimeZone: string): string {
  return resolveTimeZone(recurrence?.range.recurrenceTimeZone || startTimeZone)?.iana ?? "UTC";
}

/** Original starts (UTC ms) of a series' occurrences up to `untilUtc`, ignoring exceptions and cancellations. */
export function* occurrenceStarts(master: StoredItem, untilUtc: number): Generator<number> {
  if (!master.recurrence) return;
  const zone = seriesZone(master.recurrence, master.startTimeZone);
  const masterWall = utcToWallClock(master.start, zone);
  const timeOfDay = master.isAllDay ? 0 : masterWall - Math.floor(masterWall / DAY_MS) * DAY_MS;
  const untilDay = Math.floor(utcToWallClock(untilUtc, zone) / DAY_MS) + 1;
  for (const day of occurrenceDays(master.recurrence, untilDay)) {
    const start = wallClockToUtc(day * DAY_MS + timeOfDay, zone);
    if (start > untilUtc) return;
    yield start;
  }
}

export function isOccurrenceStart(master: StoredItem, originalStart: number): boolean {
  for (const start of occurrenceStarts(master, originalStart)) if (start === originalStart) return true;
  return false;
}

function occurrenceContent(master: StoredItem, originalStart: number): EventContent {
  return { ...master, start: originalStart, end: originalStart + (master.end - master.start) };
}

export function occurrenceInstance(master: StoredItem, originalStart: number): EventInstance {
  const exception = master.exceptions.get(originalStart);
  if (exception) {
    return {
      item: master,
      type: "exception",
      originalStart,
      content: exception,
      changeKey: exception.changeKey,
      createdAt: exception.createdAt,
      modifiedAt: exception.modifiedAt,
    };
  }
  return {
    item: master,
    type: "occurrence",
    originalStart,
    content: occurrenceContent(master, originalStart),
    changeKey: master.changeKey,
    createdAt: master.createdAt,
    modifiedAt: master.modifiedAt,
  };
}

export function itemInstance(item: StoredItem): EventInstance {
  return {
    item,
    type: item.recurrence ? "seriesMaster" : "singleInstance",
    originalStart: undefined,
    content: item,
    changeKey: item.changeKey,
    createdAt: item.createdAt,
    modifiedAt: item.modifiedAt,
  };
}

/** What calendarView shows of an item in a window: the single event, or the series' occurrences and exceptions. */
export function instancesInWindow(item: StoredItem, window: TimeWindow): EventInstance[] {
  if (!item.recurrence) return overlaps(item.start, item.end, window) ? [itemInstance(item)] : [];
  const instances: EventInstance[] = [];
  const duration = item.end - item.start;
  for (const start of occurrenceStarts(item, window.end)) {
    if (item.cancelled.has(start) || item.exceptions.has(start)) continue;
    if (overlaps(start, start + duration, window)) instances.push(occurrenceInstance(item, start));
  }
  for (const [originalStart, exception] of item.exceptions) {
    if (overlaps(exception.start, exception.end, window)) instances.push(occurrenceInstance(item, originalStart));
  }
  return instances.sort((a, b) => a.content.start - b.content.start);
}
