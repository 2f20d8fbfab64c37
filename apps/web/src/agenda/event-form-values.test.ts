import { describe, expect, it } from "vitest";
import type { AgendaEvent } from "../api/trpc";
import {
  eventFieldsFromForm,
  formValuesForNextHour,
  formValuesForRange,
  formValuesFromEvent,
  toggleAllDay,
} from "./event-form-values";

const PARIS = "Europe/Paris";
const base = { title: "Révision", location: "", body: "" };

describe("event form values", () => {
  it("shows a timed event's instants as wall-clock times in the person's zone, across a DST change", () => {
    const event = {
      ...base,
      isAllDay: false,
      startsAt: "2026-03-28T09:00:00.000Z",
      endsAt: "2026-03-29T09:00:00.000Z",
      startDate: null,
      endDate: null,
      location: "Salle 2",
    } as AgendaEvent;
    expect(formValuesFromEvent(event, PARIS)).toMatchObject({
      start: "2026-03-28T10:00",
      end: "2026-03-29T11:00",
      location: "Salle 2",
    });
  });

  it("shows an all-day event's last day, not the API's exclusive end date", () => {
    const event = {
      ...base,
      isAllDay: true,
      startDate: "2026-11-26",
      endDate: "2026-11-28",
      startsAt: "",
      endsAt: "",
      location: null,
    } as unknown as AgendaEvent;
    expect(formValuesFromEvent(event, PARIS)).toMatchObject({
      isAllDay: true,
      start: "2026-11-26",
      end: "2026-11-27",
      location: "",
    });
  });

  it("sends wall-clock times as instants, and a blank location as none", () => {
    const values = { ...base, isAllDay: false, start: "2026-07-01T14:00", end: "2026-07-01T15:30", location: "  " };
    expect(eventFieldsFromForm(values, PARIS)).toEqual({
      fields: {
        title: "Révision",
        body: "",
        location: null,
        timeZone: PARIS,
        isAllDay: false,
        startsAt: "2026-07-01T12:00:00.000Z",
        endsAt: "2026-07-01T13:30:00.000Z",
      },
    });
  });

  it("sends all-day events as dates with an exclusive end", () => {
    const values = { ...base, isAllDay: true, start: "2026-11-26", end: "2026-11-26" };
    expect(eventFieldsFromForm(values, PARIS)).toMatchObject({
      fields: { isAllDay: true, startDate: "2026-11-26", endDate: "2026-11-27" },
    });
  });

  it("refuses an end before the start", () => {
    expect(
      eventFieldsFromForm({ ...base, isAllDay: false, start: "2026-07-01T14:00", end: "2026-07-01T14:00" }, PARIS),
    ).toEqual({ problem: "endBeforeStart" });
    expect(eventFieldsFromForm({ ...base, isAllDay: true, start: "2026-07-02", end: "2026-07-01" }, PARIS)).toEqual({
      problem: "endBeforeStart",
    });
  });

  it("prefills a range picked in the calendar", () => {
    expect(formValuesForRange({ start: "2026-11-26", end: "2026-11-28", allDay: true }, PARIS)).toMatchObject({
      start: "2026-11-26",
      end: "2026-11-27",
    });
    expect(
      formValuesForRange({ start: "2026-11-26T08:00:00.000Z", end: "2026-11-26T09:00:00.000Z", allDay: false }, PARIS),
    ).toMatchObject({
      start: "2026-11-26T09:00",
      end: "2026-11-26T10:00",
    });
  });

  it("offers the next whole hour for a new event", () => {
    expect(formValuesForNextHour(new Date("2026-11-26T08:20:00.000Z"), PARIS)).toMatchObject({
      start: "2026-11-26T10:00",
      end: "2026-11-26T11:00",
    });
  });

  it("keeps the days when switching all-day on and off", () => {
    const timed = { ...base, isAllDay: false, start: "2026-11-26T14:00", end: "2026-11-27T15:00" };
    const allDay = toggleAllDay(timed, true);
    expect(allDay).toMatchObject({ isAllDay: true, start: "2026-11-26", end: "2026-11-27" });
    expect(toggleAllDay(allDay, false)).toMatchObject({
      isAllDay: false,
      start: "2026-11-26T09:00",
      end: "2026-11-27T10:00",
    });
  });
});
