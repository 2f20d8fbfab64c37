import { describe, expect, it } from "vitest";
import { canonicalTimeZone, ianaTimeZone, startOfDateInZone, wallClockIn, wallClockZoneCount } from "./time";

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

describe("canonicalTimeZone", () => {
  it("names IANA zones and refuses the rest", () => {
    expect(canonicalTimeZone("Europe/Paris")).toBe("Europe/Paris");
    expect(canonicalTimeZone("america/new_york")).toBe("America/New_York");
    expect(canonicalTimeZone("Romance Standard Time")).toBeUndefined();
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeUndefined();
  });
});

describe("ianaTimeZone", () => {
  it("answers a zone's canonical name however it is spelled", () => {
    expect(ianaTimeZone.parse("eUrOpE/pArIs")).toBe("Europe/Paris");
    expect(ianaTimeZone.parse("america/new_york")).toBe("America/New_York");
    expect(ianaTimeZone.parse("utc")).toBe("UTC");
  });

  it("refuses what is not a zone, with the catalog's message", () => {
    for (const name of ["Romance Standard Time", "Mars/Olympus_Mons", ""]) {
      expect(ianaTimeZone.safeParse(name).error?.issues.map(({ message }) => message)).toEqual(["invalidTimeZone"]);
    }
  });
});

/** `zone` with its letters in the case pattern of `n`'s bits: every n below 2^letters spells it differently. */
function spelledInCase(zone: string, n: number): string {
  let bit = 0;
  return zone.replace(/[a-z]/gi, (letter) => ((n >> bit++) & 1 ? letter.toUpperCase() : letter.toLowerCase()));
}

describe("wallClockIn", () => {
  it("keeps one formatter per zone however callers spell it, and answers each zone's wall clock", () => {
    const instant = new Date("2026-07-01T08:00:00Z");
    const expected = {
      "Europe/Paris": "2026-07-01T10:00:00",
      "America/New_York": "2026-07-01T04:00:00",
      "Asia/Tokyo": "2026-07-01T17:00:00",
    };
    const zones = Object.entries(expected);
    const before = wallClockZoneCount();
    const wrong: string[] = [];
    for (let n = 0; n < 10_000; n++) {
      const [zone, wallClock] = zones[n % zones.length] as [string, string];
      const spelling = spelledInCase(zone, Math.floor(n / zones.length));
      if (wallClockIn(instant, spelling) !== wallClock) wrong.push(spelling);
    }
    expect(wrong).toEqual([]);
    expect(wallClockZoneCount() - before).toBeLessThanOrEqual(zones.length);
  });
});
