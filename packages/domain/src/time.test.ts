import { describe, expect, it } from "vitest";
import { isIanaTimeZone, startOfDateInZone } from "./time";

describe("startOfDateInZone", () => {
  it.each([
    ["2026-01-15", "Europe/Paris", "2026-01-14T23:00:00.000Z"],
    ["2026-07-15", "Europe/Paris", "2026-07-14T22:00:00.000Z"],
    // Paris springs forward at 02:00 on 29 March and falls back at 03:00 on 25 October: midnight keeps the old offset.
    ["2026-03-29", "Europe/Paris", "2026-03-28T23:00:00.000Z"],
    ["2026-03-30", "Europe/Paris", "2026-03-29T22:00:00.000Z"],
    ["2026-10-25", "Europe/Paris", "2026-10-24T22:00:00.000Z"],
    ["2026-10-26", "Europe/Paris", "2026-10-25T23:00:00.000Z"],
    ["2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z"],
    ["2026-03-09", "America/New_York", "2026-03-09T04:00:00.000Z"],
    ["2026-11-01", "America/New_York", "2026-11-01T04:00:00.000Z"],
    ["2026-11-02", "America/New_York", "2026-11-02T05:00:00.000Z"],
    ["2026-06-01", "UTC", "2026-06-01T00:00:00.000Z"],
    ["2026-06-01", "Asia/Kolkata", "2026-05-31T18:30:00.000Z"],
  ])("%s starts in %s at %s", (date, zone, instant) => {
    expect(startOfDateInZone(date, zone).toISOString()).toBe(instant);
  });
});

describe("isIanaTimeZone", () => {
  it("accepts IANA names and refuses the rest", () => {
    expect(isIanaTimeZone("Europe/Paris")).toBe(true);
    expect(isIanaTimeZone("America/New_York")).toBe(true);
    expect(isIanaTimeZone("Romance Standard Time")).toBe(false);
    expect(isIanaTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
