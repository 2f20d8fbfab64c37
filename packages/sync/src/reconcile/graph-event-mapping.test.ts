import type { Event } from "@microsoft/microsoft-graph-types";
import { describe, expect, it } from "vitest";
import {
  graphEventToAgendaEvent,
  ianaTimeZoneOf,
  type GraphDeltaItem,
  type GraphEventContext,
} from "./graph-event-mapping";

const context: GraphEventContext = {
  ownerId: "owner-1",
  integrationId: "integration-1",
  calendarId: "calendar-1",
  userTimeZone: "Europe/Paris",
};

/** An event as calendarView/delta returns it with `Prefer: outlook.timezone="UTC"` and a text body. */
function graphEvent(overrides: Partial<Event> = {}): GraphDeltaItem {
  return {
    id: "AAMkAGI2-event-1",
    iCalUId: "040000008200E00074C5B7101A82E008000000001",
    changeKey: "EZ9r3czxY0m2jz8c45czkwAAFXcvIQ==",
    lastModifiedDateTime: "2030-06-01T09:30:12.1234567Z",
    subject: "Comité de pilotage",
    body: { contentType: "text", content: "Ordre du jour\r\n1. Budget" },
    location: { displayName: "Salle Lumière" },
    onlineMeeting: { joinUrl: "https://teams.microsoft.com/l/meetup-join/abc" },
    start: { dateTime: "2030-07-01T08:00:00.0000000", timeZone: "UTC" },
    end: { dateTime: "2030-07-01T09:30:00.0000000", timeZone: "UTC" },
    originalStartTimeZone: "Romance Standard Time",
    originalEndTimeZone: "Romance Standard Time",
    isAllDay: false,
    isCancelled: false,
    showAs: "tentative",
    type: "singleInstance",
    seriesMasterId: null,
    recurrence: null,
    ...overrides,
  };
}

function imported(item: GraphDeltaItem, over: Partial<GraphEventContext> = {}) {
  const mapping = graphEventToAgendaEvent(item, { ...context, ...over });
  if (mapping.kind !== "upsert") throw new Error(`expected an upsert, got ${JSON.stringify(mapping)}`);
  return mapping.event;
}

describe("graphEventToAgendaEvent", () => {
  it("maps every column of a timed event, in its own IANA zone", () => {
    expect(imported(graphEvent())).toEqual({
      ownerId: "owner-1",
      source: "outlook",
      integrationId: "integration-1",
      title: "Comité de pilotage",
      body: "Ordre du jour\r\n1. Budget",
      location: "Salle Lumière",
      onlineUrl: "https://teams.microsoft.com/l/meetup-join/abc",
      startsAt: new Date("2030-07-01T08:00:00Z"),
      endsAt: new Date("2030-07-01T09:30:00Z"),
      isAllDay: false,
      startDate: null,
      endDate: null,
      timeZone: "Europe/Paris",
      showAs: "tentative",
      graphEventId: "AAMkAGI2-event-1",
      graphIcalUid: "040000008200E00074C5B7101A82E008000000001",
      graphChangeKey: "EZ9r3czxY0m2jz8c45czkwAAFXcvIQ==",
      graphCalendarId: "calendar-1",
      graphSeriesMasterId: null,
      graphEventType: "singleInstance",
      recurrence: null,
      remoteModifiedAt: new Date("2030-06-01T09:30:12.123Z"),
    });
  });

  it("keeps empty text as empty, and missing location or meeting as null", () => {
    const event = imported(
      graphEvent({ subject: null, body: null, location: { displayName: "" }, onlineMeeting: null }),
    );
    expect(event).toMatchObject({ title: "", body: "", location: null, onlineUrl: null });
  });

  it("keeps the UTC instants of events on both sides of a DST change, with their zone", () => {
    // Paris leaves winter time on 2030-03-31: 10:00 local is 09:00Z before and 08:00Z after.
    const beforeParis = imported(
      graphEvent({
        start: { dateTime: "2030-03-30T09:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2030-03-30T10:00:00.0000000", timeZone: "UTC" },
      }),
    );
    const afterParis = imported(
      graphEvent({
        start: { dateTime: "2030-03-31T08:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2030-03-31T09:00:00.0000000", timeZone: "UTC" },
      }),
    );
    expect(afterParis.startsAt.getTime() - beforeParis.startsAt.getTime()).toBe(23 * 3_600_000);
    expect(afterParis.timeZone).toBe("Europe/Paris");
    // New York leaves standard time on 2030-03-10: 09:00 local is 14:00Z before and 13:00Z after.
    const newYork = imported(
      graphEvent({
        originalStartTimeZone: "Eastern Standard Time",
        start: { dateTime: "2030-03-10T13:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2030-03-10T14:00:00.0000000", timeZone: "UTC" },
      }),
    );
    expect(newYork).toMatchObject({ timeZone: "America/New_York", startsAt: new Date("2030-03-10T13:00:00Z") });
  });

  it("keeps all-day events as the same dates whatever the zone, anchored at midnight of their own zone", () => {
    const allDay = (zone: string, day: string, next: string) =>
      imported(
        graphEvent({
          isAllDay: true,
          originalStartTimeZone: zone,
          start: { dateTime: `${day}T00:00:00.0000000`, timeZone: "UTC" },
          end: { dateTime: `${next}T00:00:00.0000000`, timeZone: "UTC" },
        }),
      );

    // The day New York changes to summer time is 23 hours long.
    expect(allDay("Eastern Standard Time", "2030-03-10", "2030-03-11")).toMatchObject({
      isAllDay: true,
      startDate: "2030-03-10",
      endDate: "2030-03-11",
      timeZone: "America/New_York",
      startsAt: new Date("2030-03-10T05:00:00Z"),
      endsAt: new Date("2030-03-11T04:00:00Z"),
    });
    expect(allDay("Romance Standard Time", "2030-03-31", "2030-04-01")).toMatchObject({
      startDate: "2030-03-31",
      endDate: "2030-04-01",
      startsAt: new Date("2030-03-30T23:00:00Z"),
      endsAt: new Date("2030-03-31T22:00:00Z"),
    });
    expect(allDay("Tokyo Standard Time", "2030-12-24", "2030-12-27")).toMatchObject({
      startDate: "2030-12-24",
      endDate: "2030-12-27",
      timeZone: "Asia/Tokyo",
      startsAt: new Date("2030-12-23T15:00:00Z"),
    });
  });

  it("falls back to the user's zone, then UTC, when Outlook's zone has no IANA name", () => {
    expect(imported(graphEvent({ originalStartTimeZone: "tzone://Microsoft/Custom" })).timeZone).toBe("Europe/Paris");
    expect(
      imported(graphEvent({ originalStartTimeZone: "Nowhere Standard Time" }), { userTimeZone: "America/New_York" })
        .timeZone,
    ).toBe("America/New_York");
    expect(imported(graphEvent({ originalStartTimeZone: null }), { userTimeZone: "Mars/Olympus" }).timeZone).toBe(
      "UTC",
    );
    // A user's zone stored before zones were canonicalised.
    expect(imported(graphEvent({ originalStartTimeZone: null }), { userTimeZone: "america/new_york" }).timeZone).toBe(
      "America/New_York",
    );
  });

  it("names zones the IANA way", () => {
    expect(ianaTimeZoneOf("Pacific Standard Time")).toBe("America/Los_Angeles");
    expect(ianaTimeZoneOf("UTC")).toBe("UTC");
    expect(ianaTimeZoneOf("Europe/Berlin")).toBe("Europe/Berlin");
    expect(ianaTimeZoneOf("eUrOpE/bErLiN")).toBe("Europe/Berlin");
    expect(ianaTimeZoneOf("tzone://Microsoft/Custom")).toBeUndefined();
  });

  it("keeps the series of occurrences and exceptions, and the recurrence of masters only", () => {
    const recurrence = {
      pattern: { type: "daily", interval: 1 },
      range: { type: "numbered", startDate: "2030-07-01", numberOfOccurrences: 3 },
    };
    const occurrence = imported(
      graphEvent({
        id: "occurrence-1",
        type: "occurrence",
        seriesMasterId: "master-1",
        recurrence: recurrence as Event["recurrence"],
      }),
    );
    expect(occurrence).toMatchObject({
      graphEventType: "occurrence",
      graphSeriesMasterId: "master-1",
      recurrence: null,
    });
    const master = imported(
      graphEvent({ id: "master-1", type: "seriesMaster", recurrence: recurrence as Event["recurrence"] }),
    );
    expect(master).toMatchObject({ graphEventType: "seriesMaster", recurrence });
  });

  it("imports an event carrying what this product does not know as it imports the event without it", () => {
    // Microsoft adds properties and enum members over time, and beta ones reach v1.0 clients that ask for them. The
    // SDK's types cannot describe them: the events are read as they come off the wire.
    const fromTheWire = (value: object): GraphDeltaItem => JSON.parse(JSON.stringify(value)) as GraphDeltaItem;
    const unknownMembers = fromTheWire({
      ...graphEvent(),
      "@odata.type": "#microsoft.graph.event",
      uid: "040000008200E00074C5B7101A82E008000000001",
      cancelledOccurrences: ["OID.AAMkAGI2-event-1.2030-07-08"],
      exceptionOccurrences: [{ id: "AAMkAGI2-exception-1" }],
      futureProperty: { nested: [{ deep: true }] },
      location: { displayName: "Salle Lumière", locationType: "unknownFutureValue", futureMember: 1 },
    });
    expect(graphEventToAgendaEvent(unknownMembers, context)).toEqual(graphEventToAgendaEvent(graphEvent(), context));
    const unknownValues = fromTheWire({ ...graphEvent(), showAs: "unknownFutureValue", type: "unknownFutureValue" });
    expect(imported(unknownValues)).toMatchObject({ showAs: "unknown", graphEventType: null });
  });

  it("turns removals and cancellations into removals", () => {
    expect(graphEventToAgendaEvent({ id: "gone-1", "@removed": { reason: "deleted" } }, context)).toEqual({
      kind: "remove",
      graphEventId: "gone-1",
    });
    expect(graphEventToAgendaEvent(graphEvent({ isCancelled: true }), context)).toEqual({
      kind: "remove",
      graphEventId: "AAMkAGI2-event-1",
    });
  });

  it("says why an event cannot be imported instead of guessing", () => {
    const reasonFor = (item: GraphDeltaItem) => {
      const mapping = graphEventToAgendaEvent(item, context);
      return mapping.kind === "unmappable" ? mapping.reason : mapping.kind;
    };
    expect(reasonFor(graphEvent({ id: undefined }))).toBe("event without id");
    expect(reasonFor(graphEvent({ start: null }))).toBe("start or end missing or not in UTC");
    expect(
      reasonFor(graphEvent({ start: { dateTime: "2030-07-01T10:00:00.0000000", timeZone: "Romance Standard Time" } })),
    ).toBe("start or end missing or not in UTC");
    expect(reasonFor(graphEvent({ end: { dateTime: "2030-07-01T07:00:00.0000000", timeZone: "UTC" } }))).toBe(
      "event ending before it starts",
    );
    expect(
      reasonFor(
        graphEvent({
          isAllDay: true,
          start: { dateTime: "2030-07-02T00:00:00.0000000", timeZone: "UTC" },
          end: { dateTime: "2030-07-02T00:00:00.0000000", timeZone: "UTC" },
        }),
      ),
    ).toBe("all-day event ending before it starts");
  });
});
