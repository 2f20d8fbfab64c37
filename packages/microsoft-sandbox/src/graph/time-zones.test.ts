import { describe, expect, it } from "vitest";
import { parseGraphDateTime, resolveTimeZone, utcToWallClock, wallClockToUtc } from "./time-zones";

describe("time zones", () => {
  it("accepts Windows and IANA names and maps each to the other", () => {
    expect(resolveTimeZone("Romance Standard Time")).toMatchObject({
      iana: "Europe/Paris",
      windows: "Romance Standard Time",
    });
    expect(resolveTimeZone("pacific standard time")).toMatchObject({
      iana: "America/Los_Angeles",
      windows: "Pacific Standard Time",
    });
    expect(resolveTimeZone("Asia/Tokyo")).toMatchObject({ iana: "Asia/Tokyo", windows: "Tokyo Standard Time" });
    expect(resolveTimeZone("Asia/Kolkata")).toMatchObject({ name: "Asia/Kolkata", windows: "India Standard Time" });
    expect(resolveTimeZone("UTC")).toMatchObject({ iana: "UTC", windows: "UTC" });
    expect(resolveTimeZone("Nowhere/Special")).toBeUndefined();
  });

  it("computes with one IANA name per zone however a client spells it, and gives back the client's spelling", () => {
    for (const spelling of ["europe/paris", "EUROPE/PARIS", "eUrOpE/pArIs", " Europe/paris "]) {
      expect(resolveTimeZone(spelling)).toEqual({
        name: spelling.trim(),
        iana: "Europe/Paris",
        windows: "Romance Standard Time",
      });
    }
  });

  it("converts wall-clock times across daylight saving changes", () => {
    const summer = parseGraphDateTime("2030-07-01T10:00:00.0000000");
    const winter = parseGraphDateTime("2030-01-01T10:00:00");
    expect(new Date(wallClockToUtc(summer?.wallMs ?? 0, "Europe/Paris")).toISOString()).toBe(
      "2030-07-01T08:00:00.000Z",
    );
    expect(new Date(wallClockToUtc(winter?.wallMs ?? 0, "Europe/Paris")).toISOString()).toBe(
      "2030-01-01T09:00:00.000Z",
    );
    expect(new Date(utcToWallClock(Date.parse("2030-03-31T01:30:00Z"), "Europe/Paris")).toISOString()).toBe(
      "2030-03-31T03:30:00.000Z",
    );
  });

  it("parses Graph's date-times, with or without an offset, and refuses impossible dates", () => {
    expect(parseGraphDateTime("2030-01-01T10:00:00+02:00")?.offsetMs).toBe(7_200_000);
    expect(parseGraphDateTime("2030-01-01")?.wallMs).toBe(Date.parse("2030-01-01T00:00:00Z"));
    expect(parseGraphDateTime("2030-02-30T10:00:00")).toBeUndefined();
    expect(parseGraphDateTime("tomorrow")).toBeUndefined();
  });
});
