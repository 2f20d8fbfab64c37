import { describe, expect, it } from "vitest";
import { dateToDay, dayToDate, occurrenceDays, patternedRecurrenceSchema } from "./recurrence";

function dates(recurrence: unknown, until = "2031-12-31"): string[] {
  return [...occurrenceDays(patternedRecurrenceSchema.parse(recurrence), dateToDay(until))].map(dayToDate);
}

describe("recurrence expansion", () => {
  it("expands a daily pattern every n days up to a count", () => {
    expect(
      dates({
        pattern: { type: "daily", interval: 2 },
        range: { type: "numbered", startDate: "2030-01-30", numberOfOccurrences: 3 },
      }),
    ).toEqual(["2030-01-30", "2030-02-01", "2030-02-03"]);
  });

  it("expands a weekly pattern on several days, every other week, until an end date", () => {
    const weekly = {
      pattern: { type: "weekly", interval: 2, daysOfWeek: ["monday", "thursday"] },
      range: { type: "endDate", startDate: "2030-01-01", endDate: "2030-01-31" },
    };
    expect(dates(weekly)).toEqual(["2030-01-03", "2030-01-14", "2030-01-17", "2030-01-28", "2030-01-31"]);
  });

  it("puts an absolute monthly 31st on the last day of shorter months", () => {
    const monthly = {
      pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
      range: { type: "numbered", startDate: "2030-01-31", numberOfOccurrences: 3 },
    };
    expect(dates(monthly)).toEqual(["2030-01-31", "2030-02-28", "2030-03-31"]);
  });

  it("expands relative monthly and yearly patterns", () => {
    const lastFriday = {
      pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" },
      range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 2 },
    };
    expect(dates(lastFriday)).toEqual(["2030-01-25", "2030-02-22"]);
    const yearly = {
      pattern: { type: "absoluteYearly", interval: 1, month: 3, dayOfMonth: 15 },
      range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 2 },
    };
    expect(dates(yearly)).toEqual(["2030-03-15", "2031-03-15"]);
    const thanksgiving = {
      pattern: { type: "relativeYearly", interval: 1, month: 11, daysOfWeek: ["thursday"], index: "fourth" },
      range: { type: "noEnd", startDate: "2030-01-01" },
    };
    expect(dates(thanksgiving, "2031-12-31")).toEqual(["2030-11-28", "2031-11-27"]);
  });

  it("stops a series without end at the requested day", () => {
    expect(
      dates(
        { pattern: { type: "daily", interval: 1 }, range: { type: "noEnd", startDate: "2030-01-01" } },
        "2030-01-03",
      ),
    ).toHaveLength(3);
  });

  it("rejects incomplete patterns", () => {
    expect(
      patternedRecurrenceSchema.safeParse({
        pattern: { type: "weekly", interval: 1 },
        range: { type: "noEnd", startDate: "2030-01-01" },
      }).success,
    ).toBe(false);
    expect(
      patternedRecurrenceSchema.safeParse({
        pattern: { type: "daily", interval: 1 },
        range: { type: "endDate", startDate: "2030-01-01" },
      }).success,
    ).toBe(false);
  });
});
