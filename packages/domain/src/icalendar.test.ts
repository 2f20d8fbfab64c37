import { readCalendar } from "@agenda/testing/icalendar";
import { describe, expect, it } from "vitest";
import { renderCalendar, type CalendarEntry } from "./icalendar";

const REVISED = new Date("2026-06-01T08:00:00Z");

function timed(
  uid: string,
  startsAt: string,
  endsAt: string,
  timeZone: string,
  fields: Partial<CalendarEntry> = {},
): CalendarEntry {
  return {
    uid,
    sequence: 1,
    title: "Formation",
    description: "",
    location: null,
    url: null,
    cancelled: false,
    when: { startsAt: new Date(startsAt), endsAt: new Date(endsAt), timeZone },
    createdAt: REVISED,
    updatedAt: REVISED,
    ...fields,
  };
}

describe("iCalendar text", () => {
  it("gives instants another parser reads back exactly, on both DST days and in several zones, each zone defined once", () => {
    const entries = [
      // Paris springs forward at 02:00 on 29 March 2026: a day of 23 hours.
      timed("spring@agenda", "2026-03-29T00:30:00Z", "2026-03-29T15:00:00Z", "Europe/Paris"),
      // ...and falls back at 03:00 on 25 October: 02:30 happens twice, at 00:30 and at 01:30 UTC.
      timed("autumn-first@agenda", "2026-10-25T00:30:00Z", "2026-10-25T09:00:00Z", "Europe/Paris"),
      timed("autumn-second@agenda", "2026-10-25T01:30:00Z", "2026-10-25T09:00:00Z", "Europe/Paris"),
      timed("new-york@agenda", "2026-03-08T06:30:00Z", "2026-03-08T14:00:00Z", "America/New_York"),
      timed("kolkata@agenda", "2026-12-01T04:00:00Z", "2026-12-01T06:00:00Z", "Asia/Kolkata"),
      timed("utc@agenda", "2026-12-02T09:00:00Z", "2026-12-02T10:00:00Z", "UTC"),
    ];
    const read = readCalendar(renderCalendar(entries, { name: "Mes formations" }));
    expect(read.timezones.sort()).toEqual(["America/New_York", "Asia/Kolkata", "Europe/Paris"]);
    expect(read.events.map(({ uid, start, end, tzid }) => ({ uid, start, end, tzid }))).toEqual([
      {
        uid: "spring@agenda",
        start: "2026-03-29T00:30:00.000Z",
        end: "2026-03-29T15:00:00.000Z",
        tzid: "Europe/Paris",
      },
      // A wall clock cannot say which 02:30 is meant: those go as UTC instants.
      { uid: "autumn-first@agenda", start: "2026-10-25T00:30:00.000Z", end: "2026-10-25T09:00:00.000Z", tzid: null },
      { uid: "autumn-second@agenda", start: "2026-10-25T01:30:00.000Z", end: "2026-10-25T09:00:00.000Z", tzid: null },
      {
        uid: "new-york@agenda",
        start: "2026-03-08T06:30:00.000Z",
        end: "2026-03-08T14:00:00.000Z",
        tzid: "America/New_York",
      },
      {
        uid: "kolkata@agenda",
        start: "2026-12-01T04:00:00.000Z",
        end: "2026-12-01T06:00:00.000Z",
        tzid: "Asia/Kolkata",
      },
      { uid: "utc@agenda", start: "2026-12-02T09:00:00.000Z", end: "2026-12-02T10:00:00.000Z", tzid: null },
    ]);
  });

  it("writes all-day events as dates, the end exclusive", () => {
    const entry: CalendarEntry = {
      ...timed("days@agenda", "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z", "Europe/Paris"),
      when: { startDate: "2026-10-24", endDate: "2026-10-26" },
    };
    const text = renderCalendar([entry], { name: "Agenda" });
    expect(text).toContain("DTSTART;VALUE=DATE:20261024\r\n");
    expect(readCalendar(text).events[0]).toMatchObject({ allDay: true, start: "2026-10-24", end: "2026-10-26" });
  });

  it("escapes text and folds long lines at 75 octets without cutting a character, so the text comes back whole", () => {
    const title = `Sécurité; réseaux, \\ «IPv6» 🚀 ${"é".repeat(60)}`;
    const description = `Première ligne\r\nDeuxième ; ligne, avec 🚀\nTroisième\u0007 ${"x".repeat(200)}`;
    const text = renderCalendar(
      [
        timed("text@agenda", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "Europe/Paris", {
          title,
          description,
          location: "Salle 2, Paris",
        }),
      ],
      { name: "Agenda" },
    );
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    const [event] = readCalendar(text).events;
    expect(event?.summary).toBe(title);
    expect(event?.description).toBe(description.replace("\r\n", "\n").replace("\u0007", ""));
    expect(event?.location).toBe("Salle 2, Paris");
  });

  it("keeps tabs, reads a lone CR as a line break, makes a lone surrogate U+FFFD, and folds long ASCII lines too", () => {
    const url = `https://platform.example.test/agenda?formation=${"0123456789".repeat(20)}`;
    const text = renderCalendar(
      [
        timed("odd@agenda", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "Europe/Paris", {
          title: "Un\tdeux\rtrois \ud83d quatre \ude80",
          url,
        }),
      ],
      { name: "Agenda" },
    );
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const [event] = readCalendar(text).events;
    expect(event?.summary).toBe("Un\tdeux\ntrois \ufffd quatre \ufffd");
    expect(event?.url).toBe(url);
  });

  it("marks a publication with its method and stamps it when made; a feed stamps each event with its last revision", () => {
    const entry = timed("one@agenda", "2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z", "Europe/Paris", {
      sequence: 4,
      cancelled: true,
      url: "https://platform.example.test/agenda?formation=1",
    });
    const published = renderCalendar([entry], {
      name: "Formation",
      method: { name: "PUBLISH", stampedAt: new Date("2026-11-02T10:11:12Z") },
    });
    expect(published).toContain("METHOD:PUBLISH\r\n");
    expect(published).toContain("DTSTAMP:20261102T101112Z\r\n");
    expect(readCalendar(published).events[0]).toMatchObject({
      sequence: 4,
      status: "CANCELLED",
      url: "https://platform.example.test/agenda?formation=1",
    });
    const feed = renderCalendar([entry], { name: "Formation", refreshIntervalHours: 1 });
    expect(feed).not.toContain("METHOD:");
    expect(feed).toContain("DTSTAMP:20260601T080000Z\r\n");
    expect(feed).toContain("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n");
  });
});
