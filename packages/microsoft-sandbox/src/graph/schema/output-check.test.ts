import { describe, expect, it } from "vitest";
import type { GraphOutput } from "../outputs";
import { GraphOutputCheck } from "./output-check";

/** An event as Graph v1.0 documents it (the event resource page and its samples), trimmed to a few members of each kind. */
const graphEvent = {
  "@odata.etag": 'W/"x3IAvB5fbUWf4XNcBFLNUwAAKuA3yQ=="',
  id: "AAMkAGUzYRgWAAA=",
  createdDateTime: "2017-04-15T03:00:50.7579581Z",
  categories: [],
  subject: "Review strategy for Q3",
  showAs: "busy",
  type: "seriesMaster",
  seriesMasterId: null,
  responseStatus: { response: "organizer", time: "0001-01-01T00:00:00Z" },
  start: { dateTime: "2019-04-16T20:30:00.0000000", timeZone: "UTC" },
  end: { dateTime: "2019-04-16T21:00:00.0000000", timeZone: "UTC" },
  recurrence: {
    pattern: {
      type: "weekly",
      interval: 1,
      daysOfWeek: ["tuesday"],
      firstDayOfWeek: "sunday",
      index: "first",
      month: 0,
      dayOfMonth: 0,
    },
    range: {
      type: "noEnd",
      startDate: "2019-04-16",
      endDate: "0001-01-01",
      recurrenceTimeZone: "UTC",
      numberOfOccurrences: 0,
    },
  },
  attendees: [
    {
      type: "required",
      status: { response: "none", time: "0001-01-01T00:00:00Z" },
      emailAddress: { name: "Adele", address: "adele@contoso.example" },
    },
  ],
  organizer: { emailAddress: { name: "Alice", address: "alice@contoso.example" } },
  cancelledOccurrences: ["OID.AAMkAGUzYRgWAAA=.2019-04-23"],
  singleValueExtendedProperties: [{ id: "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", value: "Green" }],
};

const response = (endpoint: string, body: unknown, status = 200): GraphOutput => ({
  kind: "response",
  endpoint,
  status,
  contentType: "application/json",
  body: JSON.stringify(body),
});

function departuresOf(...outputs: GraphOutput[]): string[] {
  const check = new GraphOutputCheck();
  for (const output of outputs) check.check(output);
  return check.takeDepartures();
}

describe("GraphOutputCheck", () => {
  it("accepts Graph's own event, single and in a collection, with annotations and an expanded navigation property", () => {
    const check = new GraphOutputCheck();
    check.check(response("GET /me/events/{eventId}", graphEvent));
    check.check(
      response("GET /me/calendarView", {
        "@odata.context": "…",
        "@odata.nextLink": "…",
        value: [graphEvent, graphEvent],
      }),
    );
    expect(check.takeDepartures()).toEqual([]);
    expect(check.outputs).toBe(2);
    // The event holds 13 objects (itself, its complex values and theirs); the collection adds its own.
    expect(check.objects).toBe(13 + 1 + 2 * 13);
  });

  it("names a property Graph v1.0 lacks, a primitive of the wrong type and a value outside an enum", () => {
    const departures = departuresOf(
      response("GET /me/events/{eventId}", { ...graphEvent, uid: "040000008200E0", isAllDay: "true", showAs: "away" }),
    );
    expect(departures).toEqual([
      expect.stringMatching(/^GET \/me\/events\/\{eventId\} → 200: isAllDay: .*expected boolean/),
      expect.stringMatching(/^GET \/me\/events\/\{eventId\} → 200: showAs: /),
      'GET /me/events/{eventId} → 200: (body): Unrecognized key: "uid"',
    ]);
  });

  it("holds date-times to Graph's formats: seven fraction digits, timestamps in UTC", () => {
    const departures = departuresOf(
      response("GET /me/events/{eventId}", {
        ...graphEvent,
        createdDateTime: "2017-04-15T03:00:50.757Z",
        start: { dateTime: "2019-04-16T20:30:00", timeZone: "UTC" },
        responseStatus: { response: "organizer", time: "2019-04-16T20:30:00+02:00" },
      }),
    );
    expect(departures).toEqual([
      "GET /me/events/{eventId} → 200: createdDateTime: not a Graph timestamp (UTC, seven fraction digits)",
      "GET /me/events/{eventId} → 200: responseStatus.time: not a Graph timestamp (UTC, whole seconds or seven fraction digits)",
      "GET /me/events/{eventId} → 200: start.dateTime: not a Graph dateTime (seven fraction digits, no offset)",
    ]);
  });

  it("accepts delta's @removed items and refuses a reason Graph does not give", () => {
    const removed = {
      "@odata.type": "#microsoft.graph.event",
      id: "AAMkAGUzYRgWAAA=",
      "@removed": { reason: "deleted" },
    };
    const gone = { ...removed, "@removed": { reason: "gone" } };
    expect(departuresOf(response("GET /me/calendarView/delta", { value: [graphEvent, removed, gone] }))).toEqual([
      expect.stringMatching(/^GET \/me\/calendarView\/delta → 200: value\.2\.@removed\.reason: /),
    ]);
  });

  it("holds errors to Graph's error shape, those a $batch makes for its sub-requests included", () => {
    const graphError = {
      error: {
        code: "ErrorItemNotFound",
        message: "The specified object was not found in the store.",
        innerError: { date: "2024-05-01T10:00:00" },
      },
    };
    expect(departuresOf(response("GET /me/events/{eventId}", graphError, 404))).toEqual([]);
    expect(departuresOf(response("GET /me/events/{eventId}", { error: "not found" }, 404))).toEqual([
      expect.stringMatching(/^GET \/me\/events\/\{eventId\} → 404: error: .*expected object/),
    ]);
    const batch = {
      responses: [
        { id: "1", status: 200, headers: {}, body: graphEvent },
        { id: "2", status: 424, headers: {}, body: { message: "failed" } },
      ],
    };
    expect(departuresOf(response("POST /$batch", batch))).toEqual([
      expect.stringMatching(/^POST \/\$batch → 200: responses\.1\.body\.error: /),
      'POST /$batch → 200: responses.1.body: Unrecognized key: "message"',
    ]);
  });

  it("holds notifications to changeNotificationCollection", () => {
    const notification = (member: Record<string, unknown>): GraphOutput => ({
      kind: "notification",
      url: "https://app.example/notifications",
      body: JSON.stringify({
        value: [
          {
            subscriptionId: "7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
            subscriptionExpirationDateTime: "2019-03-20T11:00:00.0000000Z",
            tenantId: "84bd8158-6d4d-4958-8b9f-9d6445542f95",
            ...member,
          },
        ],
      }),
    });
    expect(
      departuresOf(
        notification({ lifecycleEvent: "missed" }),
        notification({ changeType: "updated", resourceData: { "@odata.type": "#Microsoft.Graph.Event", id: "AAMk" } }),
      ),
    ).toEqual([]);
    expect(departuresOf(notification({ lifecycleEvent: "subscriptionExpired" }))).toEqual([
      expect.stringMatching(/^notification to https:\/\/app\.example\/notifications: value\.0\.lifecycleEvent: /),
    ]);
  });

  it("refuses what no Graph route answers: a body of an unknown route, text where JSON is due, a success without a body", () => {
    expect(departuresOf(response("GET /me/contacts", { value: [] }))).toEqual([
      "GET /me/contacts → 200: no Graph type is known for this route",
    ]);
    expect(
      departuresOf({ kind: "response", endpoint: "GET /me", status: 200, contentType: "text/plain", body: '"Alice"' }),
    ).toEqual(["GET /me → 200: a text/plain body"]);
    expect(departuresOf({ kind: "response", endpoint: "GET /me", status: 200, contentType: "", body: "" })).toEqual([
      "GET /me → 200: status 200 without a body",
    ]);
  });
});
