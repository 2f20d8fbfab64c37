import type { Calendar, Event } from "@microsoft/microsoft-graph-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGraphHarness, eventBody, TEST_ORIGIN, type GraphHarness } from "../test-support";

type Page<T> = { value: T[]; "@odata.nextLink"?: string };
type ErrorBody = { error: { code: string; message: string } };

const WINDOW = "startDateTime=2030-01-01T00:00:00&endDateTime=2030-02-01T00:00:00";

let graph: GraphHarness;
beforeEach(async () => {
  graph = await createGraphHarness();
});
afterEach(() => graph.close());

async function createSeries(count = 5, extra: Record<string, unknown> = {}): Promise<Event> {
  const response = await graph.call<Event>("POST", "/me/events", {
    body: eventBody("Daily standup", "2030-01-06T09:00:00", "2030-01-06T09:15:00", "Romance Standard Time", {
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2030-01-06", numberOfOccurrences: count },
      },
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function view(query = WINDOW, headers: Record<string, string> = {}): Promise<Event[]> {
  const response = await graph.call<Page<Event>>("GET", `/me/calendarView?${query}&$top=100`, { headers });
  expect(response.status).toBe(200);
  return response.body.value;
}

describe("calendarView", () => {
  it("requires both window bounds", async () => {
    for (const query of ["", "startDateTime=2030-01-01T00:00:00", "endDateTime=2030-01-01T00:00:00"]) {
      const response = await graph.call<ErrorBody>("GET", `/me/calendarView?${query}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("ErrorInvalidParameter");
    }
  });

  it("expands a series into occurrences with their own ids and iCalUIds, never returning the master", async () => {
    const master = await createSeries(5);
    const events = await view();
    expect(events).toHaveLength(5);
    expect(events.every((event) => event.type === "occurrence" && event.seriesMasterId === master.id)).toBe(true);
    expect(new Set(events.map((event) => event.id)).size).toBe(5);
    expect(new Set(events.map((event) => event.iCalUId)).size).toBe(5);
    expect(events.map((event) => event.iCalUId)).not.toContain(master.iCalUId);
    expect(events[0]?.start).toEqual({ dateTime: "2030-01-06T08:00:00.0000000", timeZone: "UTC" });
    const occurrence = await graph.call<Event>("GET", `/me/events/${events[2]?.id}`);
    expect(occurrence.body).toMatchObject({ type: "occurrence", subject: "Daily standup", seriesMasterId: master.id });
  });

  it("shows exceptions and drops cancelled occurrences", async () => {
    await createSeries(5);
    const [first, second, third] = await view();
    const moved = await graph.call<Event>("PATCH", `/me/events/${second?.id}`, {
      body: {
        subject: "Standup (moved)",
        start: { dateTime: "2030-01-07T14:00:00", timeZone: "UTC" },
        end: { dateTime: "2030-01-07T14:15:00", timeZone: "UTC" },
      },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ type: "exception", id: second?.id, subject: "Standup (moved)" });
    expect((await graph.call("DELETE", `/me/events/${third?.id}`)).status).toBe(204);
    const events = await view();
    expect(events).toHaveLength(4);
    expect(events.find((event) => event.id === second?.id)).toMatchObject({
      type: "exception",
      start: { dateTime: "2030-01-07T14:00:00.0000000", timeZone: "UTC" },
    });
    expect(events.map((event) => event.id)).not.toContain(third?.id);
    expect((await graph.call("GET", `/me/events/${third?.id}`)).status).toBe(404);
    expect(events[0]?.id).toBe(first?.id);
  });

  it("lists a master's cancelled occurrences when a GET of that master selects them", async () => {
    const master = await createSeries(5);
    const [, second, third, fourth] = await view();
    await graph.call("PATCH", `/me/events/${third?.id}`, { body: { subject: "moved, then cancelled" } });
    for (const occurrence of [fourth, third])
      expect((await graph.call("DELETE", `/me/events/${occurrence?.id}`)).status).toBe(204);
    const selected = await graph.call<Event>("GET", `/me/events/${master.id}?$select=subject,cancelledOccurrences`);
    expect(selected.body.cancelledOccurrences).toEqual([`OID.${master.id}.2030-01-08`, `OID.${master.id}.2030-01-09`]);
    const immutable = await graph.call<Event>("GET", `/me/events/${master.id}?$select=cancelledOccurrences`, {
      headers: { Prefer: 'IdType="ImmutableId"' },
    });
    expect(immutable.body.cancelledOccurrences).toEqual([
      `OID.${immutable.body.id}.2030-01-08`,
      `OID.${immutable.body.id}.2030-01-09`,
    ]);
    const untouched = await createSeries(3);
    expect(
      (await graph.call<Event>("GET", `/me/events/${untouched.id}?$select=cancelledOccurrences`)).body
        .cancelledOccurrences,
    ).toEqual([]);
    // Graph returns it only when selected, and only to a GET of a series master by its id.
    expect((await graph.call<Event>("GET", `/me/events/${master.id}`)).body).not.toHaveProperty("cancelledOccurrences");
    expect(
      (await graph.call<Event>("GET", `/me/events/${second?.id}?$select=cancelledOccurrences`)).body,
    ).not.toHaveProperty("cancelledOccurrences");
    const listed = await graph.call<Page<Event>>("GET", "/me/events?$select=cancelledOccurrences");
    expect(listed.status).toBe(200);
    expect(listed.body.value.map((event) => Object.keys(event).sort())).toEqual([
      ["@odata.etag", "id"],
      ["@odata.etag", "id"],
    ]);
  });

  it("keeps the master's iCalUId when a single event becomes recurring, with fresh occurrence ids", async () => {
    const single = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("Weekly", "2030-01-07T10:00:00", "2030-01-07T11:00:00"),
      })
    ).body;
    const series = await graph.call<Event>("PATCH", `/me/events/${single.id}`, {
      body: {
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
          range: { type: "noEnd", startDate: "2030-01-07" },
        },
      },
    });
    expect(series.body).toMatchObject({ id: single.id, iCalUId: single.iCalUId, type: "seriesMaster" });
    const events = await view();
    expect(events.map((event) => event.start?.dateTime)).toEqual([
      "2030-01-07T10:00:00.0000000",
      "2030-01-14T10:00:00.0000000",
      "2030-01-21T10:00:00.0000000",
      "2030-01-28T10:00:00.0000000",
    ]);
    expect(events.map((event) => event.id)).not.toContain(single.id);
  });

  it("lists a series' instances in a window", async () => {
    const master = await createSeries(10);
    const instances = await graph.call<Page<Event>>(
      "GET",
      `/me/events/${master.id}/instances?startDateTime=2030-01-08T00:00:00Z&endDateTime=2030-01-10T00:00:00Z`,
    );
    expect(instances.body.value.map((event) => event.start?.dateTime)).toEqual([
      "2030-01-08T08:00:00.0000000",
      "2030-01-09T08:00:00.0000000",
    ]);
  });

  it("pages with $top or Prefer: odata.maxpagesize and absolute nextLinks", async () => {
    await createSeries(25);
    const first = await graph.call<Page<Event>>("GET", `/me/calendarView?${WINDOW}`);
    expect(first.body.value).toHaveLength(10);
    const link = first.body["@odata.nextLink"] as string;
    expect(link.startsWith(`${TEST_ORIGIN}/v1.0/me/calendarView?`)).toBe(true);
    const ids = new Set(first.body.value.map((event) => event.id));
    let next: string | undefined = link;
    while (next) {
      const page: { body: Page<Event> } = await graph.call<Page<Event>>("GET", next);
      for (const event of page.body.value) ids.add(event.id);
      next = page.body["@odata.nextLink"];
    }
    expect(ids.size).toBe(25);
    const preferred = await graph.call<Page<Event>>("GET", `/me/calendarView?${WINDOW}`, {
      headers: { Prefer: "odata.maxpagesize=7" },
    });
    expect(preferred.body.value).toHaveLength(7);
    expect(preferred.headers.get("Preference-Applied")).toBe("odata.maxpagesize=7");
  });

  it("reads window bounds with an offset as given and without one as UTC", async () => {
    await graph.call("POST", "/me/events", { body: eventBody("late", "2030-01-10T23:30:00", "2030-01-10T23:45:00") });
    expect(
      await view("startDateTime=2030-01-11T00:00:00%2B01:00&endDateTime=2030-01-11T02:00:00%2B01:00"),
    ).toHaveLength(1);
    expect(await view("startDateTime=2030-01-11T00:00:00&endDateTime=2030-01-11T02:00:00")).toHaveLength(0);
    expect(
      await view("startDateTime=2030-01-11T00:00:00&endDateTime=2030-01-11T02:00:00", {
        Prefer: 'outlook.timezone="Europe/Paris"',
      }),
    ).toHaveLength(0);
  });

  it("keeps all-day events on their dates whatever the response time zone", async () => {
    await graph.call("POST", "/me/events", {
      body: eventBody("Holiday", "2030-01-15T00:00:00", "2030-01-16T00:00:00", "Romance Standard Time", {
        isAllDay: true,
      }),
    });
    const [inUtc] = await view();
    expect(inUtc).toMatchObject({
      isAllDay: true,
      start: { dateTime: "2030-01-15T00:00:00.0000000", timeZone: "UTC" },
      end: { dateTime: "2030-01-16T00:00:00.0000000" },
    });
    const [inTokyo] = await view(WINDOW, { Prefer: 'outlook.timezone="Tokyo Standard Time"' });
    expect(inTokyo?.start).toEqual({ dateTime: "2030-01-15T00:00:00.0000000", timeZone: "Tokyo Standard Time" });
  });

  it("works per calendar", async () => {
    const work = (await graph.call<Calendar>("POST", "/me/calendars", { body: { name: "Work" } })).body;
    await graph.call("POST", `/me/calendars/${work.id}/events`, {
      body: eventBody("work item", "2030-01-10T10:00:00", "2030-01-10T11:00:00"),
    });
    await graph.call("POST", "/me/events", {
      body: eventBody("default item", "2030-01-10T10:00:00", "2030-01-10T11:00:00"),
    });
    const inWork = await graph.call<Page<Event>>("GET", `/me/calendars/${work.id}/calendarView?${WINDOW}`);
    expect(inWork.body.value.map((event) => event.subject)).toEqual(["work item"]);
    expect((await view()).map((event) => event.subject)).toEqual(["default item"]);
    const lowerCase = await graph.call<Page<Event>>("GET", `/me/calendar/calendarview?${WINDOW}`);
    expect(lowerCase.body.value.map((event) => event.subject)).toEqual(["default item"]);
  });
});
