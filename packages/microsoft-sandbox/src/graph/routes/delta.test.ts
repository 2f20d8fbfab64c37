import type { Calendar, Event } from "@microsoft/microsoft-graph-types";
import { afterEach, describe, expect, it } from "vitest";
import type { GraphOptionsInput } from "../options";
import { createGraphHarness, eventBody, TEST_ORIGIN, type GraphHarness } from "../test-support";

type DeltaItem = Event & { "@removed"?: { reason: string }; "@odata.type"?: string };
type DeltaPage = {
  "@odata.context": string;
  value: DeltaItem[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
};
type ErrorBody = { error: { code: string; message: string } };

const WINDOW = "startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z";

let graph: GraphHarness;
afterEach(() => graph.close());

async function start(options: GraphOptionsInput = {}): Promise<void> {
  graph = await createGraphHarness(options);
}

async function create(
  subject: string,
  day: number,
  extra: Record<string, unknown> = {},
  path = "/me/events",
): Promise<Event> {
  const date = `2030-01-${String(day).padStart(2, "0")}`;
  const response = await graph.call<Event>("POST", path, {
    body: eventBody(subject, `${date}T10:00:00`, `${date}T11:00:00`, "UTC", extra),
  });
  expect(response.status).toBe(201);
  return response.body;
}

/** Follows nextLinks to the deltaLink, as a client does; returns every item and the deltaLink. */
async function round(
  link: string,
  headers: Record<string, string> = {},
): Promise<{ items: DeltaItem[]; deltaLink: string; pages: DeltaPage[] }> {
  const pages: DeltaPage[] = [];
  let next: string | undefined = link;
  for (let guard = 0; next && guard < 1000; guard++) {
    const response: { status: number; body: DeltaPage } = await graph.call<DeltaPage>("GET", next, { headers });
    expect(response.status).toBe(200);
    pages.push(response.body);
    next = response.body["@odata.nextLink"];
    if (!next)
      return {
        items: pages.flatMap((page) => page.value),
        deltaLink: response.body["@odata.deltaLink"] as string,
        pages,
      };
  }
  throw new Error("delta round did not end");
}

describe("calendarView/delta", () => {
  it("pages the initial round with odata.maxpagesize until a deltaLink, with absolute links and full events", async () => {
    await start();
    for (let day = 1; day <= 23; day++) await create(`e${day}`, day);
    await create("outside", 1, {
      start: { dateTime: "2030-06-01T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2030-06-01T11:00:00", timeZone: "UTC" },
    });
    const { items, deltaLink, pages } = await round(`/me/calendarView/delta?${WINDOW}`, {
      Prefer: "odata.maxpagesize=10",
    });
    expect(pages.map((page) => page.value.length)).toEqual([10, 10, 3]);
    expect(pages[0]?.["@odata.context"]).toBe(`${TEST_ORIGIN}/v1.0/$metadata#Collection(event)`);
    expect(pages[0]?.["@odata.nextLink"]).toMatch(
      new RegExp(`^${TEST_ORIGIN}/v1\\.0/me/calendarView/delta\\?\\$skiptoken=`),
    );
    expect(deltaLink).toMatch(new RegExp(`^${TEST_ORIGIN}/v1\\.0/me/calendarView/delta\\?\\$deltatoken=`));
    expect(items.map((item) => item.subject).sort()).toEqual(Array.from({ length: 23 }, (_, i) => `e${i + 1}`).sort());
    expect(items[0]).toMatchObject({ "@odata.type": "#microsoft.graph.event", type: "singleInstance" });
    expect(items[0]?.["@odata.etag" as keyof DeltaItem]).toBe(`W/"${items[0]?.changeKey}"`);
  });

  it("caps the page size at the server maximum and uses a small default without a preference", async () => {
    await start({ deltaMaxPageSize: 4, deltaDefaultPageSize: 3 });
    for (let day = 1; day <= 9; day++) await create(`e${day}`, day);
    const capped = await round(`/me/calendarView/delta?${WINDOW}`, { Prefer: "odata.maxpagesize=50" });
    expect(capped.pages.map((page) => page.value.length)).toEqual([4, 4, 1]);
    const unasked = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(unasked.pages.map((page) => page.value.length)).toEqual([3, 3, 3]);
  });

  it("splits a series larger than a page across pages without losing occurrences", async () => {
    await start();
    await create("series", 1, {
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 12 },
      },
    });
    await create("single", 20);
    const { items, pages } = await round(`/me/calendarView/delta?${WINDOW}`, { Prefer: "odata.maxpagesize=5" });
    expect(pages.map((page) => page.value.length)).toEqual([5, 5, 3]);
    expect(new Set(items.map((item) => item.id)).size).toBe(13);
    expect(items.filter((item) => item.type === "occurrence")).toHaveLength(12);
  });

  it("returns only what changed in the next round: new and updated events whole, deleted and out-of-window ones as @removed", async () => {
    await start();
    const keep = await create("keep", 2);
    const update = await create("update", 3);
    const remove = await create("remove", 4);
    const leave = await create("leave", 5);
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    expect(first.items).toHaveLength(4);

    const added = await create("added", 6);
    await graph.call("PATCH", `/me/events/${update.id}`, { body: { subject: "updated" } });
    await graph.call("DELETE", `/me/events/${remove.id}`);
    await graph.call("PATCH", `/me/events/${leave.id}`, {
      body: {
        start: { dateTime: "2030-05-01T10:00:00", timeZone: "UTC" },
        end: { dateTime: "2030-05-01T11:00:00", timeZone: "UTC" },
      },
    });
    const second = await round(first.deltaLink);
    const byId = new Map(second.items.map((item) => [item.id, item]));
    expect(byId.get(added.id)?.subject).toBe("added");
    expect(byId.get(update.id)?.subject).toBe("updated");
    expect(byId.get(remove.id)).toEqual({
      "@odata.type": "#microsoft.graph.event",
      id: remove.id,
      "@removed": { reason: "deleted" },
    });
    expect(byId.get(leave.id)?.["@removed"]).toEqual({ reason: "deleted" });
    expect(byId.has(keep.id)).toBe(false);

    const third = await round(second.deltaLink);
    expect(third.items).toEqual([]);
    expect(third.deltaLink).toBeTruthy();
  });

  it("reports as @removed an event changed outside the window", async () => {
    await start();
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    const outside = (
      await graph.call<Event>("POST", "/me/events", {
        body: eventBody("far", "2031-01-01T10:00:00", "2031-01-01T11:00:00"),
      })
    ).body;
    const second = await round(first.deltaLink);
    expect(second.items).toEqual([
      { "@odata.type": "#microsoft.graph.event", id: outside.id, "@removed": { reason: "deleted" } },
    ]);
  });

  it("sees an event moved to another calendar leave one delta and join the other, with a new regular id", async () => {
    await start();
    const work = (await graph.call<Calendar>("POST", "/me/calendars", { body: { name: "Work" } })).body;
    const moving = await create("moving", 10);
    const mainRound = await round(`/me/calendarView/delta?${WINDOW}`);
    const workRound = await round(`/me/calendars/${work.id}/calendarView/delta?${WINDOW}`);
    expect(workRound.items).toEqual([]);
    await graph.service.admin.request(`/api/mailboxes/${graph.alice.id}/events/${moving.id}/move`, {
      method: "POST",
      body: JSON.stringify({ calendarId: work.id }),
    });
    const mainAfter = await round(mainRound.deltaLink);
    expect(mainAfter.items).toEqual([
      { "@odata.type": "#microsoft.graph.event", id: moving.id, "@removed": { reason: "deleted" } },
    ]);
    const workAfter = await round(workRound.deltaLink);
    expect(workAfter.items).toHaveLength(1);
    expect(workAfter.items[0]?.subject).toBe("moving");
    expect(workAfter.items[0]?.id).not.toBe(moving.id);
  });

  it("re-issues occurrence ids when a series is shifted, removing the old ones", async () => {
    await start();
    const master = await create("series", 1, {
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2030-01-01", numberOfOccurrences: 3 },
      },
    });
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    const oldIds = first.items.map((item) => item.id);
    const shifted = await graph.service.admin.request(`/api/mailboxes/${graph.alice.id}/events/${master.id}/shift`, {
      method: "POST",
      body: JSON.stringify({ minutes: 90 }),
    });
    expect(shifted.status).toBe(200);
    const second = await round(first.deltaLink);
    const removed = second.items.filter((item) => item["@removed"]).map((item) => item.id);
    const current = second.items.filter((item) => !item["@removed"]);
    expect(removed.sort()).toEqual([...oldIds].sort());
    expect(current.map((item) => item.start?.dateTime)).toEqual([
      "2030-01-01T11:30:00.0000000",
      "2030-01-02T11:30:00.0000000",
      "2030-01-03T11:30:00.0000000",
    ]);
    expect(current.every((item) => !oldIds.includes(item.id))).toBe(true);
  });

  it("carries changes made while the initial round was being paged into the next round", async () => {
    await start();
    for (let day = 1; day <= 6; day++) await create(`e${day}`, day);
    const firstPage = await graph.call<DeltaPage>("GET", `/me/calendarView/delta?${WINDOW}`, {
      headers: { Prefer: "odata.maxpagesize=3" },
    });
    const late = await create("late", 20);
    const rest = await round(firstPage.body["@odata.nextLink"] as string, { Prefer: "odata.maxpagesize=3" });
    const next = await round(rest.deltaLink);
    expect(next.items.map((item) => item.id)).toContain(late.id);
  });

  it("answers 410 with a Location to restart and SyncStateNotFound once the sync state is gone", async () => {
    await start();
    await create("e", 2);
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    await graph.service.admin.request("/api/faults/expire-delta-tokens", {
      method: "POST",
      body: JSON.stringify({ mailbox: graph.alice.userPrincipalName }),
    });
    const gone = await graph.call<ErrorBody>("GET", first.deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("SyncStateNotFound");
    const location = gone.headers.get("Location") as string;
    expect(location).toMatch(
      new RegExp(`^${TEST_ORIGIN}/v1\\.0/me/calendarView/delta\\?startDateTime=.+&endDateTime=.+&\\$deltatoken=$`),
    );
    const restart = await round(location);
    expect(restart.items).toHaveLength(1);
  });

  it("lets the 410 code be configured and expires tokens by age and by change-log size", async () => {
    await start({ deltaExpiredCode: "syncStateNotFound", deltaTokenLifetimeSeconds: 0.05, changeLogRetention: 4 });
    await create("e", 2);
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const aged = await graph.call<ErrorBody>("GET", first.deltaLink);
    expect(aged.status).toBe(410);
    expect(aged.body.error.code).toBe("syncStateNotFound");

    graph.service.setOptions({ deltaTokenLifetimeSeconds: null });
    const fresh = await round(`/me/calendarView/delta?${WINDOW}`);
    for (let day = 3; day <= 9; day++) await create(`e${day}`, day);
    const evicted = await graph.call<ErrorBody>("GET", fresh.deltaLink);
    expect(evicted.status).toBe(410);
  });

  it("injects token expiry and replays as faults", async () => {
    await start({ faults: { deltaReplayRate: 1 } });
    await create("a", 2);
    await create("b", 3);
    const replayed = await graph.call<DeltaPage>("GET", `/me/calendarView/delta?${WINDOW}`);
    expect(replayed.body.value.map((item) => item.subject)).toEqual(["a", "a", "b", "b"]);
    graph.service.setOptions({ faults: { deltaReplayRate: 0, deltaTokenExpiryRate: 1 } });
    const expired = await graph.call<ErrorBody>("GET", replayed.body["@odata.deltaLink"] as string);
    expect(expired.status).toBe(410);
    const log = graph.service.requestLog.entries();
    expect(log.at(-1)?.injected).toBe("fault:delta-token-expired");
  });

  it("rejects query options change tracking does not support, and tokens of another resource", async () => {
    await start();
    const select = await graph.call<ErrorBody>("GET", `/me/calendarView/delta?${WINDOW}&$select=subject`);
    expect(select.status).toBe(400);
    expect(select.body.error.code).toBe("ErrorInvalidUrlQuery");
    const noWindow = await graph.call<ErrorBody>("GET", "/me/calendarView/delta");
    expect(noWindow.status).toBe(400);
    const work = (await graph.call<Calendar>("POST", "/me/calendars", { body: { name: "Work" } })).body;
    const first = await round(`/me/calendarView/delta?${WINDOW}`);
    const token = new URL(first.deltaLink).search;
    const misplaced = await graph.call<ErrorBody>("GET", `/me/calendars/${work.id}/calendarView/delta${token}`);
    expect(misplaced.status).toBe(400);
    const garbage = await graph.call<ErrorBody>("GET", "/me/calendarView/delta?$deltatoken=not-a-token");
    expect(garbage.status).toBe(400);
  });
});
