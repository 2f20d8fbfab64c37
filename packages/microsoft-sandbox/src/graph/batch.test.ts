import type { Event } from "@microsoft/microsoft-graph-types";
import { afterEach, describe, expect, it } from "vitest";
import type { SubResponse } from "./batch";
import type { GraphOptionsInput } from "./options";
import { createGraphHarness, eventBody, type GraphHarness } from "./test-support";

/** Well-formed but unknown. */
const MISSING_ID = `AAMkAG${"x".repeat(43)}`;

type BatchBody = { responses: SubResponse[] };
type ErrorBody = { error: { code: string; message: string } };

let graph: GraphHarness;
afterEach(() => graph.close());

async function start(options: GraphOptionsInput = {}): Promise<void> {
  graph = await createGraphHarness(options);
}

const createRequest = (id: string, subject: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: "POST",
  url: "/me/events",
  headers: { "Content-Type": "application/json" },
  body: eventBody(subject, "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
  ...extra,
});

describe("$batch", () => {
  it("runs up to 20 sub-requests and answers each with its own status, headers and body", async () => {
    await start();
    const requests = Array.from({ length: 19 }, (_, i) => createRequest(String(i + 1), `batched ${i + 1}`));
    requests.push({ id: "20", method: "GET", url: `/me/events/${MISSING_ID}` } as never);
    const response = await graph.call<BatchBody>("POST", "/$batch", { body: { requests } });
    expect(response.status).toBe(200);
    expect(response.body.responses).toHaveLength(20);
    const byId = new Map(response.body.responses.map((r) => [r.id, r]));
    expect(byId.get("1")?.status).toBe(201);
    expect(byId.get("1")?.headers["Content-Type"]).toContain("application/json");
    expect((byId.get("1")?.body as Event).subject).toBe("batched 1");
    expect(byId.get("20")?.status).toBe(404);
    expect((byId.get("20")?.body as ErrorBody).error.code).toBe("ErrorItemNotFound");
    expect((await graph.call<{ value: Event[] }>("GET", "/me/events?$top=100")).body.value).toHaveLength(19);
  });

  it("rejects the whole batch over 20 requests, with duplicate ids, or with a dependency that does not exist", async () => {
    await start();
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" }));
    expect((await graph.call("POST", "/$batch", { body: { requests: tooMany } })).status).toBe(400);
    const duplicates = [
      { id: "1", method: "GET", url: "/me" },
      { id: "1", method: "GET", url: "/me/events" },
    ];
    expect((await graph.call("POST", "/$batch", { body: { requests: duplicates } })).status).toBe(400);
    const dangling = [{ id: "1", method: "GET", url: "/me", dependsOn: ["9"] }];
    expect((await graph.call("POST", "/$batch", { body: { requests: dangling } })).status).toBe(400);
    expect((await graph.call("POST", "/$batch", { body: { nope: true } })).status).toBe(400);
  });

  it("runs dependsOn chains in order and fails dependents of a failed request with 424", async () => {
    await start();
    const requests = [
      createRequest("1", "first"),
      { ...createRequest("2", "second"), dependsOn: ["1"] },
      { id: "3", method: "GET", url: `/me/events/${MISSING_ID}`, dependsOn: ["2"] },
      { ...createRequest("4", "never"), dependsOn: ["3"] },
    ];
    const response = await graph.call<BatchBody>("POST", "/$batch", { body: { requests } });
    const statuses = Object.fromEntries(response.body.responses.map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ "1": 201, "2": 201, "3": 404, "4": 424 });
    expect(response.body.responses.map((r) => r.id)).toEqual(["1", "2", "3", "4"]);
    const subjects = (await graph.call<{ value: Event[] }>("GET", "/me/events")).body.value.map((e) => e.subject);
    expect(subjects).toEqual(["first", "second"]);
  });

  it("executes at most 4 sub-requests at a time, so a full batch stays within Outlook's concurrency limit", async () => {
    await start({ faults: { latencyMinMs: 20, latencyMaxMs: 20 } });
    const requests = Array.from({ length: 12 }, (_, i) => ({ id: String(i), method: "GET", url: "/me/events" }));
    const started = Date.now();
    const response = await graph.call<BatchBody>("POST", "/$batch", { body: { requests } });
    expect(response.body.responses.every((r) => r.status === 200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 20);

    graph.service.setOptions({ batchParallelism: 6 });
    const wide = await graph.call<BatchBody>("POST", "/$batch", { body: { requests } });
    const throttled = wide.body.responses.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect((throttled[0]?.body as ErrorBody).error.code).toBe("ApplicationThrottled");
    expect(throttled[0]?.headers["Retry-After"]).toBeDefined();
  });

  it("applies injected faults per sub-request, with Retry-After on a throttled one", async () => {
    await start({ faults: { errorRate: 1, errorStatuses: [429], retryAfterSeconds: 0.01 } });
    const response = await graph.call<BatchBody>("POST", "/$batch", {
      body: { requests: [{ id: "a", method: "GET", url: "/me" }] },
    });
    expect(response.status).toBe(200);
    expect(response.body.responses[0]).toMatchObject({ status: 429, headers: { "Retry-After": "0.01" } });
    expect((response.body.responses[0]?.body as ErrorBody).error.code).toBe("TooManyRequests");
    const log = graph.service.requestLog.entries();
    expect(log.some((entry) => entry.batchId !== undefined && entry.injected === "fault:429")).toBe(true);
  });

  it("accepts sub-request URLs with or without /v1.0 and refuses absolute ones", async () => {
    await start();
    const requests = [
      { id: "1", method: "GET", url: "me" },
      { id: "2", method: "GET", url: "/v1.0/me" },
      { id: "3", method: "GET", url: "https://graph.microsoft.com/v1.0/me" },
    ];
    const response = await graph.call<BatchBody>("POST", "/$batch", { body: { requests } });
    const statuses = Object.fromEntries(response.body.responses.map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ "1": 200, "2": 200, "3": 400 });
  });
});
