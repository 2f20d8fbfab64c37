import type { Calendar, Event, Subscription } from "@microsoft/microsoft-graph-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraphHarness, startWebhook, type GraphHarness, type GraphResponse } from "../test-support";
import { graphPropertyNames } from "./graph-schema";

/**
 * Every route and option of the Graph side, on events of every shape, so that the schema check (which fails a test
 * on any departure: see vitest-setup.ts) sees objects the other tests never ask for.
 */

type Page<T> = { value: T[]; "@odata.nextLink"?: string; "@odata.deltaLink"?: string };

const EXTENDED_PROPERTY = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Crawl";
const WINDOW = "startDateTime=2030-03-01T00:00:00Z&endDateTime=2030-04-01T00:00:00Z";
const PREFERENCES: Record<string, string>[] = [
  {},
  { Prefer: 'outlook.timezone="Pacific Standard Time"' },
  { Prefer: 'outlook.timezone="Asia/Kolkata", outlook.body-content-type="text"' },
  { Prefer: 'IdType="ImmutableId", odata.maxpagesize=3' },
];

const at = (day: number, time: string): string => `2030-03-${String(day).padStart(2, "0")}T${time}`;
const timed = (subject: string, day: number, extra: Partial<Event> = {}): Event => ({
  subject,
  start: { dateTime: at(day, "09:00:00"), timeZone: "Romance Standard Time" },
  end: { dateTime: at(day, "10:30:00"), timeZone: "Romance Standard Time" },
  ...extra,
});
const series = (
  subject: string,
  day: number,
  pattern: NonNullable<Event["recurrence"]>["pattern"],
  range: Partial<NonNullable<NonNullable<Event["recurrence"]>["range"]>>,
): Event =>
  timed(subject, day, {
    recurrence: { pattern, range: { type: "noEnd", startDate: at(day, "").slice(0, 10), ...range } },
  });

/** What Graph lets a client set on an event, all of it. */
const RICH: Event = timed("Comité de pilotage", 4, {
  body: { contentType: "html", content: "<p>Ordre du jour</p>" },
  importance: "high",
  sensitivity: "private",
  showAs: "oof",
  categories: ["Formation"],
  isReminderOn: false,
  reminderMinutesBeforeStart: 30,
  location: {
    displayName: "Salle Lumière",
    locationType: "conferenceRoom",
    locationEmailAddress: "lumiere@contoso.example",
    locationUri: "https://rooms.contoso.example/lumiere",
    uniqueId: "lumiere",
    uniqueIdType: "private",
    address: { street: "1 rue de la Paix", city: "Paris", state: "IDF", countryOrRegion: "FR", postalCode: "75002" },
    coordinates: { latitude: 48.87, longitude: 2.33 },
  },
  attendees: [
    { type: "required", emailAddress: { name: "Bob", address: "bob@contoso.example" } },
    { type: "optional", emailAddress: { address: "carol@contoso.example" } },
    { type: "resource", emailAddress: { name: "Projector", address: "projector@contoso.example" } },
  ],
  isOnlineMeeting: true,
  onlineMeetingProvider: "teamsForBusiness",
  responseRequested: false,
  allowNewTimeProposals: false,
  hideAttendees: true,
  transactionId: "crawl-rich",
  singleValueExtendedProperties: [{ id: EXTENDED_PROPERTY, value: "rich" }],
});

const SERIES: Event[] = [
  series("daily, numbered", 2, { type: "daily", interval: 1 }, { type: "numbered", numberOfOccurrences: 5 }),
  series(
    "weekly, to a date",
    4,
    { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"], firstDayOfWeek: "monday" },
    { type: "endDate", endDate: "2030-03-27" },
  ),
  series(
    "absolute monthly",
    31,
    { type: "absoluteMonthly", interval: 1, dayOfMonth: 31 },
    { recurrenceTimeZone: "Romance Standard Time" },
  ),
  series(
    "relative monthly",
    14,
    { type: "relativeMonthly", interval: 1, daysOfWeek: ["thursday"], index: "second" },
    {},
  ),
  series("absolute yearly", 4, { type: "absoluteYearly", interval: 1, month: 3, dayOfMonth: 4 }, {}),
  series(
    "relative yearly",
    29,
    { type: "relativeYearly", interval: 1, month: 3, daysOfWeek: ["friday"], index: "last" },
    {},
  ),
];

let graph: GraphHarness;
let calendar: Calendar;
const events: Event[] = [];

/** A call whose status the crawl expects: a route that answered an error would tell the schema nothing of its type. */
async function expectStatus<T = Record<string, unknown>>(
  status: number,
  method: string,
  path: string,
  init: Parameters<GraphHarness["call"]>[2] = {},
): Promise<GraphResponse<T>> {
  const response = await graph.call<T>(method, path, init);
  expect(response.status, `${method} ${path}`).toBe(status);
  return response;
}

async function allPages<T>(path: string, headers: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: Page<T> = (await expectStatus<Page<T>>(200, "GET", next, { headers })).body;
    items.push(...page.value);
    next = page["@odata.nextLink"];
  }
  return items;
}

beforeAll(async () => {
  graph = await createGraphHarness();
  calendar = (
    await expectStatus<Calendar>(201, "POST", "/me/calendars", { body: { name: "Formations", color: "lightGreen" } })
  ).body;
  for (const body of [RICH, ...SERIES])
    events.push((await expectStatus<Event>(201, "POST", "/me/events", { body })).body);
  const allDay = {
    subject: "all day",
    isAllDay: true,
    start: { dateTime: "2030-03-05T00:00:00", timeZone: "Pacific Standard Time" },
    end: { dateTime: "2030-03-07T00:00:00", timeZone: "Pacific Standard Time" },
  };
  events.push((await expectStatus<Event>(201, "POST", "/me/events", { body: allDay })).body);
  events.push(
    (
      await expectStatus<Event>(201, "POST", `/me/calendars/${calendar.id}/events`, {
        body: timed("in another calendar", 6),
      })
    ).body,
  );
  const weekly = events[2] as Event;
  const [first, second] = (await expectStatus<Page<Event>>(200, "GET", `/me/events/${weekly.id}/instances?${WINDOW}`))
    .body.value;
  await expectStatus(200, "PATCH", `/me/events/${first?.id}`, {
    body: {
      subject: "moved once",
      start: { dateTime: at(5, "14:00:00"), timeZone: "UTC" },
      end: { dateTime: at(5, "15:00:00"), timeZone: "UTC" },
    },
  });
  await expectStatus(204, "DELETE", `/me/events/${second?.id}`);
});

afterAll(() => graph.close());

describe("the Graph side, route by route, held against Graph v1.0's schema", () => {
  it("the profile, the mailbox settings and the calendars", async () => {
    for (const path of ["/me", `/users/${graph.alice.id}`, "/users/alice@contoso.example", "/me/mailboxSettings"])
      await expectStatus(200, "GET", path);
    await allPages<Calendar>("/me/calendars?$top=1");
    await expectStatus(200, "GET", "/me/calendar");
    await expectStatus(200, "GET", `/me/calendars/${calendar.id}`);
    await expectStatus(200, "PATCH", `/me/calendars/${calendar.id}`, {
      body: { name: "Formations 2030", color: "lightOrange" },
    });
    const spare = (await expectStatus<Calendar>(201, "POST", "/me/calendars", { body: { name: "Spare" } })).body;
    await expectStatus(204, "DELETE", `/me/calendars/${spare.id}`);
  });

  it("event lists and single events, with every query option and preference", async () => {
    const lists = [
      "/me/events",
      "/me/calendar/events",
      `/me/calendars/${calendar.id}/events`,
      `/users/${graph.alice.id}/events`,
    ];
    const options = [
      "",
      "$top=2",
      "$orderby=start/dateTime desc",
      "$filter=categories/any(c: c eq 'Formation')",
      `$expand=singleValueExtendedProperties($filter=id eq '${EXTENDED_PROPERTY}')`,
    ];
    for (const headers of PREFERENCES) {
      for (const list of lists) for (const option of options) await allPages(`${list}?${option}`, headers);
      for (const event of events)
        await expectStatus(200, "GET", `/me/events/${event.id}?$expand=singleValueExtendedProperties`, { headers });
    }
    for (const property of graphPropertyNames("event")) {
      await allPages(`/me/events?$select=${property}`);
      for (const event of events) await expectStatus(200, "GET", `/me/events/${event.id}?$select=${property}`);
    }
  });

  it("instances and calendarView: occurrences, exceptions, single and all-day events", async () => {
    for (const headers of PREFERENCES) {
      for (const master of events.filter((event) => event.recurrence)) {
        for (const instance of await allPages<Event>(`/me/events/${master.id}/instances?${WINDOW}`, headers)) {
          await expectStatus(200, "GET", `/me/events/${instance.id}`, { headers });
        }
      }
      for (const view of [
        "/me/calendarView",
        "/me/calendar/calendarView",
        `/me/calendars/${calendar.id}/calendarView`,
      ]) {
        await allPages(`${view}?${WINDOW}`, headers);
        await allPages(`${view}?${WINDOW}&$select=subject,start,end,type,seriesMasterId,originalStart`, headers);
      }
    }
  });

  it("delta rounds: whole events, then changes and removals", async () => {
    const headers = { Prefer: "odata.maxpagesize=4" };
    const round = async (link: string): Promise<string> => {
      let page = (await expectStatus<Page<Event>>(200, "GET", link, { headers })).body;
      while (page["@odata.nextLink"])
        page = (await expectStatus<Page<Event>>(200, "GET", page["@odata.nextLink"], { headers })).body;
      // A delta page without a nextLink has the deltaLink.
      return page["@odata.deltaLink"] as string;
    };
    const deltaLink = await round(`/me/calendarView/delta?${WINDOW}`);
    await expectStatus(200, "PATCH", `/me/events/${events[0]?.id}`, { body: { subject: "renamed" } });
    await expectStatus(204, "DELETE", `/me/events/${events[7]?.id}`);
    await expectStatus(200, "PATCH", `/me/events/${events[1]?.id}`, { body: { subject: "daily, renamed" } });
    const removals = (
      await expectStatus<Page<Event & { "@removed"?: unknown }>>(200, "GET", deltaLink)
    ).body.value.filter((item) => item["@removed"]);
    expect(removals).not.toEqual([]);
    await round(`/me/calendars/${calendar.id}/calendarView/delta?${WINDOW}`);
  });

  it("subscriptions and the notifications they bring", async () => {
    const webhook = await startWebhook();
    const in1Hour = new Date(Date.now() + 3_600_000).toISOString();
    const body = {
      changeType: "created,updated,deleted",
      notificationUrl: `${webhook.url}/changes`,
      lifecycleNotificationUrl: `${webhook.url}/lifecycle`,
      resource: "me/events",
      expirationDateTime: in1Hour,
      clientState: "crawl",
    };
    const subscription = (await expectStatus<Subscription>(201, "POST", "/subscriptions", { body })).body;
    await expectStatus(200, "GET", "/subscriptions");
    await expectStatus(200, "GET", `/subscriptions/${subscription.id}`);
    await expectStatus(200, "PATCH", `/subscriptions/${subscription.id}`, {
      body: { expirationDateTime: new Date(Date.now() + 7_200_000).toISOString() },
    });
    await expectStatus(204, "POST", `/subscriptions/${subscription.id}/reauthorize`);
    await expectStatus(201, "POST", "/me/events", { body: timed("notified", 8) });
    await graph.service.admin.request(`/api/subscriptions/${subscription.id}/lifecycle`, {
      method: "POST",
      body: JSON.stringify({ lifecycleEvent: "missed" }),
    });
    await expect.poll(() => webhook.notifications.length, { timeout: 5_000 }).toBe(2);
    await expectStatus(204, "DELETE", `/subscriptions/${subscription.id}`);
    await webhook.close();
  });

  it("$batch sub-responses, failed dependencies included", async () => {
    const requests = [
      { id: "me", method: "GET", url: "/me" },
      { id: "list", method: "GET", url: "/me/events?$top=3" },
      {
        id: "create",
        method: "POST",
        url: "/me/events",
        headers: { "Content-Type": "application/json" },
        body: timed("batched", 9),
      },
      { id: "absolute", method: "GET", url: "https://graph.microsoft.com/v1.0/me" },
      { id: "missing", method: "GET", url: "/me/events/AAMkAGnothing" },
      { id: "dependent", method: "GET", url: "/me/calendar", dependsOn: ["missing"] },
    ];
    const { responses } = (
      await expectStatus<{ responses: { id: string; status: number }[] }>(200, "POST", "/$batch", {
        body: { requests },
      })
    ).body;
    expect(Object.fromEntries(responses.map((response) => [response.id, response.status]))).toEqual({
      me: 200,
      list: 200,
      create: 201,
      absolute: 400,
      missing: 400,
      dependent: 424,
    });
  });

  it("errors, in Graph's error shape", async () => {
    const rich = events[0] as Event;
    await expectStatus(400, "GET", "/me/events/AAMkAGnothing");
    await expectStatus(404, "GET", `/me/events/${rich.id?.replace(/.$/, (last) => (last === "A" ? "B" : "A"))}`);
    await expectStatus(400, "GET", "/me/calendarView");
    await expectStatus(400, "GET", "/me/events?$select=nothing");
    await expectStatus(400, "GET", `/me/calendarView/delta?${WINDOW}&$select=subject`);
    await expectStatus(412, "PATCH", `/me/events/${rich.id}`, {
      body: { subject: "stale" },
      headers: { "If-Match": 'W/"stale"' },
    });
    await expectStatus(401, "GET", "/me", { token: "" });
    await expectStatus(403, "GET", `/users/${graph.bob.id}/events`);
    await expectStatus(400, "GET", "/me/nothingHere");
  });
});
