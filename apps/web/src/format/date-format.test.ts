import { describe, expect, it } from "vitest";
import { formatEventWhen, formatInstant } from "./date-format";

// ICU puts thin and narrow no-break spaces around dashes and before AM/PM: compared as plain spaces here.
const plain = (text: string) => text.replace(/\s/g, " ");

const timed = {
  isAllDay: false,
  startsAt: "2026-11-26T09:00:00.000Z",
  endsAt: "2026-11-26T12:00:00.000Z",
  startDate: null,
  endDate: null,
};

describe("dates in the person's language and time zone", () => {
  it("shows a timed event in the person's zone", () => {
    expect(plain(formatEventWhen(timed, "fr", "Europe/Paris"))).toBe("jeudi 26 novembre 2026, 10:00 – 13:00");
    expect(plain(formatEventWhen(timed, "en", "America/New_York"))).toBe("Thursday, November 26, 2026, 4:00 – 7:00 AM");
  });

  it("shows all-day events on their own dates whatever the zone, with an inclusive end", () => {
    const oneDay = { isAllDay: true, startsAt: "", endsAt: "", startDate: "2026-11-26", endDate: "2026-11-27" };
    expect(plain(formatEventWhen(oneDay, "fr", "Pacific/Auckland"))).toBe("jeudi 26 novembre 2026");
    expect(plain(formatEventWhen({ ...oneDay, endDate: "2026-11-29" }, "en", "America/Los_Angeles"))).toBe(
      "Thursday, November 26 – Saturday, November 28, 2026",
    );
  });

  it("shows a moment in the person's zone", () => {
    expect(plain(formatInstant("2026-11-26T09:05:00.000Z", "fr", "Europe/Paris"))).toBe("26 nov. 2026, 10:05");
  });
});
