import { describe, expect, it } from "vitest";
import { agendaEvent } from "../test-support/fixtures";
import { condenseMonth, hiddenEventsEntry, isEditable, timingOfMovedEvent, toCalendarEvent } from "./calendar-events";

describe("toCalendarEvent", () => {
  it("gives timed events their instants and a class per source", () => {
    expect(toCalendarEvent(agendaEvent({}))).toMatchObject({
      start: "2026-11-26T13:00:00.000Z",
      end: "2026-11-26T14:30:00.000Z",
      allDay: false,
      editable: true,
      classNames: ["event-source-platform"],
    });
  });

  it("gives all-day events their dates, which do not move with the time zone", () => {
    const allDay = agendaEvent({
      isAllDay: true,
      startDate: "2026-11-26",
      endDate: "2026-11-28",
      startsAt: "2026-11-25T23:00:00.000Z",
    });
    expect(toCalendarEvent(allDay)).toMatchObject({ start: "2026-11-26", end: "2026-11-28", allDay: true });
  });

  it("lets only personal events be dragged", () => {
    expect(isEditable(agendaEvent({ source: "platform" }))).toBe(true);
    expect(toCalendarEvent(agendaEvent({ source: "formation" }))).toMatchObject({
      editable: false,
      classNames: ["event-source-formation"],
    });
    expect(toCalendarEvent(agendaEvent({ source: "outlook" })).editable).toBe(false);
  });

  it("marks a cancelled formation's session, which the agenda strikes through", () => {
    expect(
      toCalendarEvent(agendaEvent({ source: "formation", cancelled: true, cancellationReason: "Salle fermée" })),
    ).toMatchObject({ classNames: ["event-source-formation", "event-cancelled"] });
  });
});

describe("timingOfMovedEvent", () => {
  it("turns a moved timed event into instants", () => {
    const start = new Date("2026-11-27T13:00:00.000Z");
    const end = new Date("2026-11-27T15:00:00.000Z");
    expect(
      timingOfMovedEvent({
        allDay: false,
        start,
        end,
        startStr: "2026-11-27T14:00:00+01:00",
        endStr: "2026-11-27T16:00:00+01:00",
      }),
    ).toEqual({
      isAllDay: false,
      startsAt: "2026-11-27T13:00:00.000Z",
      endsAt: "2026-11-27T15:00:00.000Z",
    });
  });

  it("gives an event dropped on the all-day row dates, a day long when FullCalendar gave no end", () => {
    const start = new Date("2026-11-27T00:00:00.000Z");
    expect(timingOfMovedEvent({ allDay: true, start, end: null, startStr: "2026-11-27", endStr: "" })).toEqual({
      isAllDay: true,
      startDate: "2026-11-27",
      endDate: "2026-11-28",
    });
  });

  it("keeps an hour for a timed event FullCalendar gave no end", () => {
    const start = new Date("2026-11-27T13:00:00.000Z");
    expect(timingOfMovedEvent({ allDay: false, start, end: null, startStr: "", endStr: "" })).toMatchObject({
      endsAt: "2026-11-27T14:00:00.000Z",
    });
  });
});

describe("condenseMonth", () => {
  const at = (id: number, startsAt: string) => agendaEvent({ id: `e${id}`, title: `E${id}`, startsAt });

  it("leaves days that fit alone", () => {
    const events = [at(1, "2026-11-26T08:00:00.000Z"), at(2, "2026-11-26T09:00:00.000Z")];
    expect(condenseMonth(events, "Europe/Paris", 3)).toEqual({ shown: events, hidden: [] });
  });

  it("keeps a busy day's first events, all-day ones first, and counts the rest", () => {
    const events = [
      at(1, "2026-11-26T15:00:00.000Z"),
      at(2, "2026-11-26T08:00:00.000Z"),
      agendaEvent({
        id: "all-day",
        isAllDay: true,
        startDate: "2026-11-26",
        endDate: "2026-11-27",
        startsAt: "2026-11-25T23:00:00.000Z",
      }),
      at(3, "2026-11-26T10:00:00.000Z"),
      at(4, "2026-11-26T12:00:00.000Z"),
    ];
    const { shown, hidden } = condenseMonth(events, "Europe/Paris", 3);
    expect(shown.map(({ id }) => id)).toEqual(["all-day", "e2", "e3"]);
    expect(hidden).toEqual([{ date: "2026-11-26", count: 2 }]);
  });

  it("puts each event on its day in the person's zone", () => {
    // 23:30 UTC on the 26th is already the 27th in Paris.
    const events = [at(1, "2026-11-26T23:30:00.000Z"), at(2, "2026-11-27T08:00:00.000Z")];
    expect(condenseMonth(events, "Europe/Paris", 1).hidden).toEqual([{ date: "2026-11-27", count: 1 }]);
    expect(condenseMonth(events, "UTC", 1).hidden).toEqual([]);
  });

  it("makes the count an all-day entry that sorts after the day's events and cannot be dragged", () => {
    expect(hiddenEventsEntry({ date: "2026-11-26", count: 12 }, "+12 autres")).toMatchObject({
      title: "+12 autres",
      start: "2026-11-26",
      allDay: true,
      editable: false,
      extendedProps: { listedLast: true },
    });
  });
});
