import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Event } from "@microsoft/microsoft-graph-types";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createGraphService } from "./index";
import type { GraphOptionsInput } from "./options";
import { createGraphHarness, eventBody, type GraphHarness } from "./test-support";

type ErrorBody = { error: { code: string } };

let graph: GraphHarness;
afterEach(() => graph.close());

async function start(options: GraphOptionsInput): Promise<void> {
  graph = await createGraphHarness(options);
}

async function statuses(count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await graph.call("GET", "/me")).status);
  return result;
}

describe("fault injection", () => {
  it("fails a seeded share of requests with the configured statuses, the same way on every run", async () => {
    const faults = { seed: 42, errorRate: 0.5, errorStatuses: [500, 502, 503, 504] as (500 | 502 | 503 | 504)[] };
    await start({ faults });
    const first = await statuses(30);
    graph.close();
    await start({ faults });
    const second = await statuses(30);
    expect(second).toEqual(first);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(5);
    expect(first.every((s) => [200, 500, 502, 503, 504].includes(s))).toBe(true);
    graph.close();
    await start({ faults: { ...faults, seed: 7 } });
    expect(await statuses(30)).not.toEqual(first);
  });

  it("sets Retry-After on injected 503s and records the fault in the request log", async () => {
    await start({ faults: { errorRate: 1, errorStatuses: [503], retryAfterSeconds: 2 } });
    const response = await graph.call<ErrorBody>("GET", "/me");
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("serviceNotAvailable");
    expect(response.headers.get("Retry-After")).toBe("2");
    expect(graph.service.requestLog.entries().at(-1)).toMatchObject({
      status: 503,
      injected: "fault:503",
      endpoint: "GET /me",
    });
  });

  it("adds latency", async () => {
    await start({ faults: { latencyMinMs: 60, latencyMaxMs: 60 } });
    const started = performance.now();
    await graph.call("GET", "/me");
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("fails the next requests matching a scripted rule, then lets them through", async () => {
    await start({ faults: { scripted: [{ method: "POST", pathContains: "/me/events", status: 504, count: 2 }] } });
    const body = eventBody("retry me", "2030-01-01T10:00:00", "2030-01-01T11:00:00");
    expect((await graph.call("GET", "/me/events")).status).toBe(200);
    expect((await graph.call("POST", "/me/events", { body })).status).toBe(504);
    expect((await graph.call("POST", "/me/events", { body })).status).toBe(504);
    expect((await graph.call("POST", "/me/events", { body })).status).toBe(201);
  });

  it("refuses the next N requests with a token issued before a time, as if it expired mid-pagination", async () => {
    await start({});
    for (let i = 0; i < 15; i++)
      await graph.call("POST", "/me/events", {
        body: eventBody(`e${i}`, "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
      });
    const first = await graph.call<{ "@odata.nextLink": string }>("GET", "/me/events");
    const rule = await graph.service.admin.request("/api/faults/reject-tokens", {
      method: "POST",
      body: JSON.stringify({ count: 2 }),
    });
    expect(rule.status).toBe(200);
    const rejected = await graph.call<ErrorBody>("GET", first.body["@odata.nextLink"]);
    expect(rejected.status).toBe(401);
    expect(rejected.body.error.code).toBe("InvalidAuthenticationToken");
    expect((await graph.call("GET", first.body["@odata.nextLink"])).status).toBe(401);
    expect((await graph.call("GET", first.body["@odata.nextLink"])).status).toBe(200);
  });

  it("loses the response of a create in process with a gateway timeout, the event being created all the same", async () => {
    await start({ faults: { lostCreateRate: 1 } });
    const response = await graph.call("POST", "/me/events", {
      body: eventBody("lost", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", { transactionId: "t-1" }),
    });
    expect(response.status).toBe(504);
    graph.service.setOptions({ faults: { lostCreateRate: 0 } });
    const retry = await graph.call<Event>("POST", "/me/events", {
      body: eventBody("lost", "2030-01-01T10:00:00", "2030-01-01T11:00:00", "UTC", { transactionId: "t-1" }),
    });
    expect(retry.status).toBe(201);
    expect((await graph.call<{ value: Event[] }>("GET", "/me/events")).body.value).toHaveLength(1);
  });

  it("resets the connection of a lost create over HTTP", async () => {
    await start({});
    let origin = "";
    const service = createGraphService({
      directory: graph.directory,
      verifyAccessToken: (token) => graph.keys.verifyAccessToken(token),
      baseUrl: () => origin,
      options: { faults: { lostCreateRate: 1 } },
    });
    const app = new Hono().route("/v1.0", service.api);
    const server: ServerType = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const headers = { Authorization: `Bearer ${await graph.token(graph.alice)}`, "Content-Type": "application/json" };
      const body = JSON.stringify(eventBody("lost on the wire", "2030-01-01T10:00:00", "2030-01-01T11:00:00"));
      await expect(fetch(`${origin}/v1.0/me/events`, { method: "POST", headers, body })).rejects.toThrow();
      const list = await fetch(`${origin}/v1.0/me/events`, { headers });
      const events = ((await list.json()) as { value: Event[] }).value;
      expect(events.map((event) => event.subject)).toEqual(["lost on the wire"]);
    } finally {
      service.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
