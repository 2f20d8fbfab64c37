import type { Event } from "@microsoft/microsoft-graph-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGraphService } from "../index";
import type { Counters, RequestLogEntry } from "../request-log";
import { createGraphHarness, eventBody, TEST_ORIGIN, type GraphHarness } from "../test-support";

type Page<T> = { value: T[]; "@odata.deltaLink"?: string; "@odata.nextLink"?: string };

let graph: GraphHarness;
beforeEach(async () => {
  graph = await createGraphHarness();
});
afterEach(() => graph.close());

const admin = (path: string, init: { method?: string; body?: unknown; form?: Record<string, string> } = {}) =>
  graph.service.admin.request(path, {
    method: init.method ?? (init.body !== undefined || init.form ? "POST" : "GET"),
    headers: init.form
      ? { "Content-Type": "application/x-www-form-urlencoded" }
      : { "Content-Type": "application/json" },
    body: init.form
      ? new URLSearchParams(init.form).toString()
      : init.body === undefined
        ? undefined
        : JSON.stringify(init.body),
  });

const graphEvents = async () => (await graph.call<Page<Event>>("GET", "/me/events?$top=100")).body.value;

describe("admin page", () => {
  it("lists mailboxes with labelled forms", async () => {
    await graph.call("POST", "/me/events", {
      body: eventBody("Visible <b>here</b>", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    const page = await admin("/");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("alice@contoso.example");
    expect(html).toContain("Visible &lt;b&gt;here&lt;/b&gt;");
    expect(html).toMatch(/<label for="subject-[^"]+">Subject<\/label>/);
    expect(html).toContain('<html lang="en">');
  });

  it("creates, moves, shifts and deletes events like an Outlook user", async () => {
    const created = await admin(`/events/${graph.alice.id}`, {
      form: {
        subject: "From the page",
        start: "2030-01-06T09:00",
        end: "2030-01-06T10:00",
        timeZone: "Europe/Paris",
        repeat: "weekly",
        occurrences: "3",
        calendarId: "",
      },
    });
    expect(created.status).toBe(303);
    expect(created.headers.get("Location")).toMatch(new RegExp(`^${TEST_ORIGIN}/admin#event-`));
    const [series] = await graphEvents();
    expect(series).toMatchObject({
      subject: "From the page",
      type: "seriesMaster",
      start: { dateTime: "2030-01-06T08:00:00.0000000" },
    });
    const immutableId = (
      await graph.call<Event>("GET", `/me/events/${series?.id}`, { headers: { Prefer: 'IdType="ImmutableId"' } })
    ).body.id as string;

    expect((await admin(`/events/${graph.alice.id}/${immutableId}/shift`, { form: { minutes: "30" } })).status).toBe(
      303,
    );
    expect((await graphEvents())[0]?.start?.dateTime).toBe("2030-01-06T08:30:00.0000000");

    expect((await admin(`/calendars/${graph.alice.id}`, { form: { name: "Trainings" } })).status).toBe(303);
    const calendars = (await graph.call<Page<{ id: string; name: string }>>("GET", "/me/calendars")).body.value;
    const trainings = calendars.find((c) => c.name === "Trainings");
    expect(
      (await admin(`/events/${graph.alice.id}/${immutableId}/move`, { form: { calendarId: trainings?.id ?? "" } }))
        .status,
    ).toBe(303);
    expect(await graphEvents()).toHaveLength(0);
    expect((await admin(`/events/${graph.alice.id}/${immutableId}/delete`, { form: {} })).status).toBe(303);
    expect((await graph.call("GET", `/me/events/${immutableId}`)).status).toBe(404);
  });

  it("adds a mailbox from the page", async () => {
    expect(
      (
        await admin("/mailboxes", {
          form: { userPrincipalName: "carol@contoso.example", displayName: "Carol", timeZone: "Asia/Tokyo" },
        })
      ).status,
    ).toBe(303);
    expect(graph.directory.findByUserPrincipalName("carol@contoso.example")?.timeZone).toBe("Asia/Tokyo");
  });
});

describe("admin REST API", () => {
  it("seeds mailboxes with calendars and events in bulk, and edits them as their owner", async () => {
    const seeded = await admin("/api/mailboxes", {
      body: { mailboxes: [{ userPrincipalName: "dave@contoso.example", calendars: ["Work"] }] },
    });
    expect(seeded.status).toBe(201);
    const dave = graph.directory.findByUserPrincipalName("dave@contoso.example");
    expect(dave).toBeDefined();
    const events = Array.from({ length: 300 }, (_, i) =>
      eventBody(`seed ${i}`, "2030-02-01T10:00:00", "2030-02-01T11:00:00"),
    );
    const bulk = await admin("/api/mailboxes/dave@contoso.example/events", { body: { events } });
    expect(bulk.status).toBe(201);
    const created = ((await bulk.json()) as { value: { id: string; immutableId: string }[] }).value;
    expect(created).toHaveLength(300);
    const daveEvents = await graph.call<Page<Event>>("GET", "/me/events?$top=999", { user: dave });
    expect(daveEvents.body.value).toHaveLength(300);

    const patched = await admin(`/api/mailboxes/${dave?.id}/events/${created[0]?.id}`, {
      method: "PATCH",
      body: { subject: "renamed by Outlook" },
    });
    expect(((await patched.json()) as Event).subject).toBe("renamed by Outlook");
    expect((await admin(`/api/mailboxes/${dave?.id}/events/${created[1]?.id}`, { method: "DELETE" })).status).toBe(204);
    const listed = (await (await admin(`/api/mailboxes/${dave?.id}/events`)).json()) as { value: Event[] };
    expect(listed.value).toHaveLength(299);
    const mailboxes = (await (await admin("/api/mailboxes")).json()) as {
      value: { userPrincipalName: string; calendars: { name: string }[] }[];
    };
    expect(
      mailboxes.value.find((m) => m.userPrincipalName === "dave@contoso.example")?.calendars.map((c) => c.name),
    ).toEqual(["Calendar", "Work"]);
    expect((await admin("/api/mailboxes/nobody@contoso.example/events")).status).toBe(404);
    expect(
      (await admin("/api/mailboxes/dave@contoso.example/events", { body: { events: [{ subject: 3 }] } })).status,
    ).toBe(400);
  });

  it("gives an event the online meeting an invitation from outside carried, whatever its join URL", async () => {
    const created = await graph.call<Event>("POST", "/me/events", {
      body: eventBody("Invited", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    const joined = await admin(`/api/mailboxes/${graph.alice.id}/events/${created.body.id}/online-meeting`, {
      method: "PUT",
      body: { joinUrl: "javascript:alert(1)" },
    });
    expect(joined.status).toBe(200);
    const read = await graph.call<Event>("GET", `/me/events/${created.body.id}`);
    expect(read.body).toMatchObject({ isOnlineMeeting: true, onlineMeeting: { joinUrl: "javascript:alert(1)" } });
    expect(
      (
        await admin(`/api/mailboxes/${graph.alice.id}/events/${created.body.id}/online-meeting`, {
          method: "PUT",
          body: {},
        })
      ).status,
    ).toBe(400);
  });

  it("reports the request log and counters per endpoint and per mailbox, and resets state", async () => {
    await graph.call("POST", "/me/events", {
      body: eventBody("counted", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    const event = (await graphEvents())[0] as Event;
    await graph.call("GET", `/me/events/${event.id}`);
    await graph.call("GET", "/me", { user: graph.bob });
    const counters = (await (await admin("/api/counters")).json()) as Counters;
    expect(counters.total.count).toBe(4);
    expect(counters.byEndpoint["GET /me/events/{eventId}"]?.count).toBe(1);
    expect(counters.byEndpoint["POST /me/events"]?.byStatus["201"]).toBe(1);
    expect(counters.byMailbox[graph.alice.id]?.count).toBe(3);
    const log = (await (await admin(`/api/requests?mailbox=${graph.bob.userPrincipalName}`)).json()) as {
      value: RequestLogEntry[];
    };
    expect(log.value.map((entry) => `${entry.method} ${entry.url} ${entry.status}`)).toEqual(["GET /me 200"]);

    expect((await admin("/api/reset", { method: "POST" })).status).toBe(204);
    expect((await (await admin("/api/counters")).json()) as Counters).toMatchObject({ total: { count: 0 } });
    expect(await graphEvents()).toEqual([]);
  });

  it("reads and changes fault settings at run time, refusing invalid ones", async () => {
    const patched = await admin("/api/faults", { method: "PATCH", body: { errorRate: 1, errorStatuses: [502] } });
    expect(patched.status).toBe(200);
    expect((await graph.call("GET", "/me")).status).toBe(502);
    expect((await admin("/api/faults", { method: "PATCH", body: { errorRate: 3 } })).status).toBe(400);
    expect((await admin("/api/faults", { method: "PUT", body: {} })).status).toBe(200);
    expect((await graph.call("GET", "/me")).status).toBe(200);
    expect(((await (await admin("/api/faults")).json()) as { errorRate: number }).errorRate).toBe(0);
  });
});

describe("snapshot and restore", () => {
  it("keeps events, ids and subscriptions across a restore, while outstanding delta tokens restart", async () => {
    const event = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("kept", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", { transactionId: "tx-kept" }),
      })
    ).body;
    const delta = await graph.call<Page<Event>>(
      "GET",
      "/me/calendarView/delta?startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z",
    );
    const saved = JSON.parse(JSON.stringify(graph.service.snapshot())) as unknown;

    const restored = createGraphService({
      directory: graph.directory,
      verifyAccessToken: (token) => graph.keys.verifyAccessToken(token),
      baseUrl: () => TEST_ORIGIN,
    });
    restored.restore(saved);
    const token = await graph.token(graph.alice);
    const call = (path: string, init: RequestInit = {}) =>
      restored.api.request(path, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
      });
    const read = (await (await call(`/me/events/${event.id}`)).json()) as Event;
    expect(read).toMatchObject({ id: event.id, changeKey: event.changeKey, iCalUId: event.iCalUId });
    const repeat = await call("/me/events", {
      method: "POST",
      body: JSON.stringify(
        eventBody("kept", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", { transactionId: "tx-kept" }),
      ),
    });
    expect(((await repeat.json()) as Event).id).toBe(event.id);
    const deltaLink = delta.body["@odata.deltaLink"] as string;
    expect((await call(deltaLink.slice(`${TEST_ORIGIN}/v1.0`.length))).status).toBe(410);
    expect(() => restored.restore({ version: 2 })).toThrow();
    restored.close();
  });
});
