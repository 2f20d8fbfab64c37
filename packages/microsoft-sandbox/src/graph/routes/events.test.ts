import type { Calendar, Event, User } from "@microsoft/microsoft-graph-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SigningKeys } from "../../signing";
import { createGraphHarness, eventBody, TEST_ORIGIN, type GraphHarness } from "../test-support";

type Page<T> = { value: T[]; "@odata.nextLink"?: string };
type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } };

let graph: GraphHarness;
beforeEach(async () => {
  graph = await createGraphHarness();
});
afterEach(() => graph.close());

describe("profile", () => {
  it("answers /me with the token's user and a request-id", async () => {
    const response = await graph.call<User>("GET", "/me");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: graph.alice.id,
      userPrincipalName: "alice@contoso.example",
      mail: "alice@contoso.example",
      displayName: "Alice",
    });
    expect(response.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports the mailbox time zone as a Windows name", async () => {
    const response = await graph.call("GET", "/me/mailboxSettings");
    expect(response.body.timeZone).toBe("Romance Standard Time");
    const bob = await graph.call("GET", "/me/mailboxSettings", { user: graph.bob });
    expect(bob.body.timeZone).toBe("Eastern Standard Time");
  });

  it("serves /users/{id|upn} for the token's own mailbox only", async () => {
    expect((await graph.call<User>("GET", `/users/${graph.alice.id}`)).body.id).toBe(graph.alice.id);
    expect((await graph.call<User>("GET", "/users/ALICE@contoso.example")).body.id).toBe(graph.alice.id);
    const foreign = await graph.call<ErrorBody>("GET", `/users/${graph.bob.id}/events`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("ErrorAccessDenied");
  });
});

describe("authentication", () => {
  it("rejects a missing, expired or foreign token with 401 InvalidAuthenticationToken in Graph's error shape", async () => {
    const missing = await graph.call<ErrorBody>("GET", "/me", { token: "" });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("InvalidAuthenticationToken");
    expect(missing.body.error.innerError["request-id"]).toBe(missing.headers.get("request-id"));
    expect(missing.body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const expired = await graph.call<ErrorBody>("GET", "/me", {
      token: await graph.token(graph.alice, { lifetimeSeconds: -10 }),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("InvalidAuthenticationToken");

    const other = await createGraphHarness({}, await SigningKeys.generate());
    const foreign = await graph.call<ErrorBody>("GET", "/me", { token: await other.token(graph.alice) });
    other.close();
    expect(foreign.status).toBe(401);
    expect(foreign.body.error.code).toBe("InvalidAuthenticationToken");
  });

  it("echoes client-request-id into the error body", async () => {
    const response = await graph.call<ErrorBody>("GET", "/me", {
      token: "",
      headers: { "client-request-id": "abc-123" },
    });
    expect(response.body.error.innerError["client-request-id"]).toBe("abc-123");
    expect(response.headers.get("client-request-id")).toBe("abc-123");
  });

  it("refuses calendar access without a calendar scope", async () => {
    const token = await graph.token(graph.alice, { scp: "User.Read" });
    const response = await graph.call<ErrorBody>("GET", "/me/events", { token });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("ErrorAccessDenied");
    const readOnly = await graph.token(graph.alice, { scp: "Calendars.Read" });
    const write = await graph.call<ErrorBody>("POST", "/me/events", {
      token: readOnly,
      body: eventBody("x", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    expect(write.status).toBe(403);
  });

  it("answers an unknown path with Graph's 400 for an unknown segment", async () => {
    const response = await graph.call<ErrorBody>("GET", "/me/nothingHere");
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain("nothingHere");
  });
});

describe("calendars", () => {
  it("has a default calendar with a stable id and pages the list with an absolute nextLink", async () => {
    for (const name of ["Work", "Family", "Sport"])
      expect((await graph.call("POST", "/me/calendars", { body: { name } })).status).toBe(201);
    const first = await graph.call<Page<Calendar>>("GET", "/me/calendars?$top=2");
    expect(first.body.value).toHaveLength(2);
    expect(first.body.value[0]).toMatchObject({ name: "Calendar", isDefaultCalendar: true, canEdit: true });
    const next = first.body["@odata.nextLink"] as string;
    expect(next.startsWith(`${TEST_ORIGIN}/v1.0/me/calendars?`)).toBe(true);
    const second = await graph.call<Page<Calendar>>("GET", next);
    expect(second.body.value.map((c) => c.name)).toEqual(["Family", "Sport"]);
    expect(second.body["@odata.nextLink"]).toBeUndefined();
    const again = await graph.call<Calendar>("GET", `/me/calendars/${first.body.value[0]?.id}`);
    expect(again.body.id).toBe(first.body.value[0]?.id);
    const duplicate = await graph.call<ErrorBody>("POST", "/me/calendars", { body: { name: "work" } });
    expect(duplicate.status).toBe(409);
  });

  it("takes a calendar color from Graph's calendarColor, in any case", async () => {
    const colored = await graph.call<Calendar>("POST", "/me/calendars", { body: { name: "Work", color: "LightBlue" } });
    expect(colored.body.color).toBe("lightBlue");
    expect(
      (await graph.call<ErrorBody>("POST", "/me/calendars", { body: { name: "Family", color: "blue" } })).status,
    ).toBe(400);
    expect(
      (await graph.call<ErrorBody>("PATCH", `/me/calendars/${colored.body.id}`, { body: { color: "#ff0000" } })).status,
    ).toBe(400);
  });
});

describe("events", () => {
  it("creates an event with Graph's fields and reads it back", async () => {
    const created = await graph.call<Event>("POST", "/me/events", {
      body: eventBody("Formation React", "2030-03-04T09:00:00", "2030-03-04T12:00:00", "Romance Standard Time", {
        body: { contentType: "text", content: "Salle 4" },
        location: { displayName: "Lyon" },
        categories: ["Formation"],
        attendees: [{ emailAddress: { address: "trainee@example.com", name: "Trainee" }, type: "required" }],
        isOnlineMeeting: true,
      }),
    });
    expect(created.status).toBe(201);
    const event = created.body;
    expect(event).toMatchObject({
      subject: "Formation React",
      type: "singleInstance",
      isAllDay: false,
      showAs: "busy",
      sensitivity: "normal",
      originalStartTimeZone: "Romance Standard Time",
      start: { dateTime: "2030-03-04T08:00:00.0000000", timeZone: "UTC" },
      end: { dateTime: "2030-03-04T11:00:00.0000000", timeZone: "UTC" },
      bodyPreview: "Salle 4",
      categories: ["Formation"],
      isOnlineMeeting: true,
      onlineMeetingProvider: "teamsForBusiness",
      seriesMasterId: null,
    });
    expect(event.location?.displayName).toBe("Lyon");
    expect(event.locations?.[0]?.displayName).toBe("Lyon");
    expect(event.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\//);
    expect(event.body?.contentType).toBe("html");
    expect(event["@odata.etag" as keyof Event]).toBe(`W/"${event.changeKey}"`);
    expect(event.iCalUId).toMatch(/^040000008200E00074C5B7101A82E008/);
    expect(event.createdDateTime).toMatch(/Z$/);
    expect(event.attendees?.[0]?.status?.response).toBe("none");
    // A beta property: Graph v1.0's event has no `uid`.
    expect(event).not.toHaveProperty("uid");
    const read = await graph.call<Event>("GET", `/me/events/${event.id}`);
    expect(read.body.id).toBe(event.id);
    expect(read.body.changeKey).toBe(event.changeKey);
  });

  it("rejects unknown properties, bad time zones and all-day events not at midnight", async () => {
    const unknown = await graph.call<ErrorBody>("POST", "/me/events", {
      body: { ...eventBody("x", "2030-01-01T10:00:00", "2030-01-01T11:00:00"), colour: "red" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("RequestBodyRead");
    const zone = await graph.call<ErrorBody>("POST", "/me/events", {
      body: eventBody("x", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "Mars/Olympus"),
    });
    expect(zone.body.error.code).toBe("TimeZoneNotSupportedException");
    const allDay = await graph.call<ErrorBody>("POST", "/me/events", {
      body: eventBody("x", "2030-01-01T10:00:00", "2030-01-02T10:00:00", "UTC", { isAllDay: true }),
    });
    expect(allDay.status).toBe(400);
    const malformed = await graph.call<ErrorBody>("POST", "/me/events", { body: "{not json" });
    expect(malformed.status).toBe(400);
  });

  it("reads locations and online meeting providers as Graph types them, and leaves attendees' responses to the attendees", async () => {
    const created = await graph.call<Event>("POST", "/me/events", {
      body: eventBody("typed", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", {
        location: {
          "@odata.type": "microsoft.graph.location",
          displayName: "Salle 4",
          locationType: "ConferenceRoom",
          coordinates: { latitude: 45.76, longitude: 4.83 },
        },
        attendees: [
          {
            emailAddress: { address: "trainee@example.com" },
            status: { response: "accepted", time: "2030-01-01T09:00:00Z" },
          },
        ],
        isOnlineMeeting: true,
        onlineMeetingProvider: "TEAMSFORBUSINESS",
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      location: {
        displayName: "Salle 4",
        locationType: "conferenceRoom",
        coordinates: { latitude: 45.76, longitude: 4.83 },
      },
      onlineMeetingProvider: "teamsForBusiness",
      attendees: [{ status: { response: "none", time: "0001-01-01T00:00:00Z" } }],
    });
    expect(created.body.location).not.toHaveProperty("@odata.type");
    const refused = [
      { location: { displayName: "Salle 4", floor: 3 } },
      { location: { displayName: "Salle 4", locationType: "spaceship" } },
      { location: { displayName: "Salle 4", address: { planet: "Mars" } } },
      { location: { displayName: "Salle 4", coordinates: { latitude: "45.76" } } },
      { isOnlineMeeting: true, onlineMeetingProvider: "zoom" },
    ];
    for (const extra of refused) {
      const response = await graph.call<ErrorBody>("POST", "/me/events", {
        body: eventBody("refused", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", extra),
      });
      expect(response.status, JSON.stringify(extra)).toBe(400);
    }
  });

  it("returns the already created event when a POST repeats its transactionId", async () => {
    const body = eventBody("Once", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", { transactionId: "tx-42" });
    const first = await graph.call<Event>("POST", "/me/events", { body });
    const second = await graph.call<Event>("POST", "/me/events", { body });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(first.body.transactionId).toBe("tx-42");
    const list = await graph.call<Page<Event>>("GET", "/me/events");
    expect(list.body.value).toHaveLength(1);
    const changed = await graph.call<ErrorBody>("PATCH", `/me/events/${first.body.id}`, {
      body: { transactionId: "tx-43" },
    });
    expect(changed.status).toBe(400);
  });

  it("changes changeKey and etag on every edit and answers a stale If-Match with 412", async () => {
    const created = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("v1", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      })
    ).body;
    const staleEtag = `W/"${created.changeKey}"`;
    const updated = await graph.call<Event>("PATCH", `/me/events/${created.id}`, {
      body: { subject: "v2" },
      headers: { "If-Match": staleEtag },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.subject).toBe("v2");
    expect(updated.body.changeKey).not.toBe(created.changeKey);
    expect(Date.parse(updated.body.lastModifiedDateTime ?? "")).toBeGreaterThanOrEqual(
      Date.parse(created.lastModifiedDateTime ?? ""),
    );
    const conflict = await graph.call<ErrorBody>("PATCH", `/me/events/${created.id}`, {
      body: { subject: "v3" },
      headers: { "If-Match": staleEtag },
    });
    expect(conflict.status).toBe(412);
    expect(conflict.body.error.code).toBe("ErrorIrresolvableConflict");
    const staleDelete = await graph.call("DELETE", `/me/events/${created.id}`, { headers: { "If-Match": staleEtag } });
    expect(staleDelete.status).toBe(412);
  });

  it("deletes with 204 and answers 404 ErrorItemNotFound afterwards", async () => {
    const created = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("gone", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      })
    ).body;
    expect((await graph.call("DELETE", `/me/events/${created.id}`)).status).toBe(204);
    const again = await graph.call<ErrorBody>("DELETE", `/me/events/${created.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("ErrorItemNotFound");
    expect((await graph.call("GET", `/me/events/${created.id}`)).status).toBe(404);
  });

  it("treats ids as case-sensitive", async () => {
    const created = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("case", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      })
    ).body;
    const id = created.id as string;
    const flipped = id.slice(0, 10) + id.slice(10).replace(/[a-z]/, (ch) => ch.toUpperCase());
    expect(flipped).not.toBe(id);
    expect((await graph.call("GET", `/me/events/${flipped}`)).status).toBe(404);
    const malformed = await graph.call<ErrorBody>("GET", "/me/events/not-an-id");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("ErrorInvalidIdMalformed");
  });

  it("changes a regular id when the event moves calendar, but not an immutable id", async () => {
    const work = (await graph.call<Calendar>("POST", "/me/calendars", { body: { name: "Work" } })).body;
    const regular = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("move me", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      })
    ).body;
    const immutable = (
      await graph.call<Event>("GET", `/me/events/${regular.id}`, { headers: { Prefer: 'IdType="ImmutableId"' } })
    ).body;
    expect(immutable.id).not.toBe(regular.id);
    const moved = await graph.service.admin.request(`/api/mailboxes/${graph.alice.id}/events/${regular.id}/move`, {
      method: "POST",
      body: JSON.stringify({ calendarId: work.id }),
    });
    expect(moved.status).toBe(200);
    expect((await graph.call("GET", `/me/events/${regular.id}`)).status).toBe(404);
    const byImmutable = await graph.call<Event>("GET", `/me/events/${immutable.id}`, {
      headers: { Prefer: 'IdType="ImmutableId"' },
    });
    expect(byImmutable.status).toBe(200);
    expect(byImmutable.body.id).toBe(immutable.id);
    expect(byImmutable.headers.get("Preference-Applied")).toContain('IdType="ImmutableId"');
    const inWork = await graph.call<Page<Event>>("GET", `/me/calendars/${work.id}/events`);
    expect(inWork.body.value).toHaveLength(1);
    expect(inWork.body.value[0]?.id).not.toBe(regular.id);
    expect((await graph.call<Page<Event>>("GET", "/me/events")).body.value).toHaveLength(0);
  });

  it("applies $select, keeping id and etag, and rejects unknown properties", async () => {
    await graph.call("POST", "/me/events", {
      body: eventBody("selected", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    const list = await graph.call<Page<Record<string, unknown>>>("GET", "/me/events?$select=subject,start");
    expect(Object.keys(list.body.value[0] ?? {}).sort()).toEqual(["@odata.etag", "id", "start", "subject"]);
    const bad = await graph.call<ErrorBody>("GET", "/me/events?$select=colour");
    expect(bad.status).toBe(400);
    expect((await graph.call<ErrorBody>("GET", "/me/events?$select=uid")).status).toBe(400);
  });

  it("converts times to Prefer: outlook.timezone (Windows or IANA) and the body to outlook.body-content-type", async () => {
    const created = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("tz", "2030-07-01T10:00:00", "2030-07-01T11:00:00", "UTC", {
          body: { contentType: "html", content: "<p>Hello <b>you</b></p>" },
        }),
      })
    ).body;
    const windows = await graph.call<Event>("GET", `/me/events/${created.id}`, {
      headers: { Prefer: 'outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"' },
    });
    expect(windows.body.start).toEqual({ dateTime: "2030-07-01T03:00:00.0000000", timeZone: "Pacific Standard Time" });
    expect(windows.body.body).toEqual({ contentType: "text", content: "Hello you" });
    expect(windows.headers.get("Preference-Applied")).toContain('outlook.timezone="Pacific Standard Time"');
    expect(windows.headers.get("Preference-Applied")).toContain('outlook.body-content-type="text"');
    const iana = await graph.call<Event>("GET", `/me/events/${created.id}`, {
      headers: { Prefer: 'outlook.timezone="Europe/Paris"' },
    });
    expect(iana.body.start).toEqual({ dateTime: "2030-07-01T12:00:00.0000000", timeZone: "Europe/Paris" });
  });

  it("stores singleValueExtendedProperties, returns them only when expanded, and filters lists on them", async () => {
    const propertyId = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name AgendaSessionId";
    const tagged = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("tagged", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", {
          singleValueExtendedProperties: [{ id: propertyId, value: "session-7" }],
        }),
      })
    ).body;
    await graph.call("POST", "/me/events", { body: eventBody("plain", "2030-01-02T10:00:00", "2030-01-02T11:00:00") });
    const plainRead = await graph.call<Record<string, unknown>>("GET", `/me/events/${tagged.id}`);
    expect(plainRead.body.singleValueExtendedProperties).toBeUndefined();
    const expanded = await graph.call<Record<string, unknown>>(
      "GET",
      `/me/events/${tagged.id}?$expand=singleValueExtendedProperties($filter=id eq '${propertyId}')`,
    );
    expect(expanded.body.singleValueExtendedProperties).toEqual([{ id: propertyId, value: "session-7" }]);
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${propertyId}' and ep/value eq 'session-7')`;
    const filtered = await graph.call<Page<Event>>("GET", `/me/events?$filter=${encodeURIComponent(filter)}`);
    expect(filtered.body.value.map((e) => e.subject)).toEqual(["tagged"]);
    const byUid = await graph.call<Page<Event>>(
      "GET",
      `/me/events?$filter=${encodeURIComponent(`iCalUId eq '${tagged.iCalUId}'`)}`,
    );
    expect(byUid.body.value.map((e) => e.id)).toEqual([tagged.id]);
    const unsupported = await graph.call<ErrorBody>(
      "GET",
      `/me/events?$filter=${encodeURIComponent("startswith(subject,'t')")}`,
    );
    expect(unsupported.status).toBe(400);
  });

  it("lists single events and series masters, paged by $top with an absolute nextLink", async () => {
    for (let i = 0; i < 12; i++)
      await graph.call("POST", "/me/events", {
        body: eventBody(`e${i}`, "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      });
    await graph.call("POST", "/me/events", {
      body: eventBody("series", "2030-01-01T08:00:00", "2030-01-01T09:00:00", "UTC", {
        recurrence: {
          pattern: { type: "daily", interval: 1 },
          range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 5 },
        },
      }),
    });
    const first = await graph.call<Page<Event>>("GET", "/me/events");
    expect(first.body.value).toHaveLength(10);
    const rest = await graph.call<Page<Event>>("GET", first.body["@odata.nextLink"] as string);
    expect(rest.body.value).toHaveLength(3);
    const master = rest.body.value.find((event) => event.subject === "series");
    expect(master?.type).toBe("seriesMaster");
    expect(master?.recurrence?.range?.recurrenceTimeZone).toBe("UTC");
    const topped = await graph.call<Page<Event>>("GET", "/me/events?$top=5&$orderby=subject desc");
    expect(topped.body.value[0]?.subject).toBe("series");
  });
});
