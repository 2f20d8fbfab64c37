import { sandboxAdmin, sandboxMailboxEvents, useSandbox } from "@agenda/testing/sandbox";
import { describe, expect, it } from "vitest";
import { DEMO_PERSONAL_CALENDAR, demoWeekMonday, seedDemoOutlookWeeks } from "./demo-outlook-week";

const sandbox = useSandbox([{ userPrincipalName: "lea@formation.test", timeZone: "Europe/Paris" }]);

describe("the demo's Outlook week", () => {
  it("is the working week of the day in the mailbox's zone, or the next one from a weekend", () => {
    expect(demoWeekMonday(new Date("2026-12-07T08:00:00Z"), "Europe/Paris")).toBe("2026-12-07");
    expect(demoWeekMonday(new Date("2026-12-11T22:30:00Z"), "UTC")).toBe("2026-12-07");
    // Friday 22:30 in UTC is already Saturday in Paris.
    expect(demoWeekMonday(new Date("2026-12-11T23:30:00Z"), "Europe/Paris")).toBe("2026-12-14");
    expect(demoWeekMonday(new Date("2026-12-13T12:00:00Z"), "Europe/Paris")).toBe("2026-12-14");
  });

  it("holds meetings with attendees, a weekly series, an online meeting, an all-day event and a personal appointment", async () => {
    await seedDemoOutlookWeeks(
      sandbox(),
      [{ userPrincipalName: "lea@formation.test", timeZone: "Europe/Paris" }],
      new Date("2026-12-09T10:00:00Z"),
    );
    const events = await sandboxMailboxEvents(sandbox(), "lea@formation.test");
    const { calendars } = (await sandboxAdmin(sandbox(), "GET", "/mailboxes/lea@formation.test")) as {
      calendars: Array<{ id: string; name: string }>;
    };

    // Admin listings give times in UTC: Paris is UTC+1 in December.
    expect(events.map(({ start }) => start.dateTime.slice(0, 10)).sort()).toEqual([
      "2026-12-07",
      "2026-12-08",
      "2026-12-09",
      "2026-12-10",
      "2026-12-10",
      "2026-12-11",
    ]);
    const [weekly] = events.filter(({ type }) => type === "seriesMaster");
    expect(weekly?.recurrence).toMatchObject({
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
      range: { type: "noEnd", startDate: "2026-12-07" },
    });
    expect(weekly?.start.dateTime).toMatch(/^2026-12-07T08:30:00/);
    expect(events.filter(({ isAllDay }) => isAllDay).map(({ subject }) => subject)).toEqual([
      "Salon Learning Technologies France",
    ]);
    expect(
      events.filter(({ isOnlineMeeting }) => isOnlineMeeting).map(({ onlineMeeting }) => onlineMeeting?.joinUrl),
    ).toEqual([expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//)]);
    expect(events.filter(({ attendees }) => attendees.length >= 2)).toHaveLength(4);
    const personal = calendars.find(({ name }) => name === DEMO_PERSONAL_CALENDAR);
    expect(events.filter(({ calendarId }) => calendarId === personal?.id).map(({ subject }) => subject)).toEqual([
      "Rendez-vous chez le dentiste",
    ]);
  });
});
