import { afterEach, describe, expect, it } from "vitest";
import type { GraphOptionsInput } from "./options";
import { createGraphHarness, type GraphHarness } from "./test-support";

type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } };

let graph: GraphHarness;
afterEach(() => graph.close());

async function start(options: GraphOptionsInput): Promise<void> {
  graph = await createGraphHarness(options);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("throttling", () => {
  it("answers 429 TooManyRequests with Retry-After past the rate limit, and again to a client retrying too early", async () => {
    // A window far longer than the test, so that a slow machine cannot let it pass between the calls.
    await start({ throttling: { requestsPerWindow: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await graph.call("GET", "/me")).status).toBe(200);
    const throttled = await graph.call<ErrorBody>("GET", "/me");
    expect(throttled.status).toBe(429);
    expect(throttled.body.error).toMatchObject({ code: "TooManyRequests", message: "Please retry again later." });
    expect(throttled.body.error.innerError).toMatchObject({
      code: "429",
      status: "429",
      message: "Please retry after",
    });
    const retryAfter = Number(throttled.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const tooEarly = await graph.call<ErrorBody>("GET", "/me");
    expect(tooEarly.status).toBe(429);
    expect(graph.service.requestLog.entries().at(-1)?.injected).toBe("throttled:retried-too-early");
  });

  it("admits a client again once it waited the Retry-After it was given", async () => {
    await start({ throttling: { requestsPerWindow: 1, windowSeconds: 1 } });
    expect((await graph.call("GET", "/me")).status).toBe(200);
    const throttled = await graph.call("GET", "/me");
    expect(throttled.status).toBe(429);
    await sleep(Number(throttled.headers.get("Retry-After")) * 1000 + 50);
    expect((await graph.call("GET", "/me")).status).toBe(200);
  });

  it("limits per app and mailbox: another mailbox or another app is not throttled", async () => {
    await start({ throttling: { requestsPerWindow: 1, windowSeconds: 60 } });
    expect((await graph.call("GET", "/me")).status).toBe(200);
    expect((await graph.call("GET", "/me")).status).toBe(429);
    expect((await graph.call("GET", "/me", { user: graph.bob })).status).toBe(200);
    const otherApp = await graph.token(graph.alice, { azp: "99999999-0000-0000-0000-000000000000" });
    expect((await graph.call("GET", "/me", { token: otherApp })).status).toBe(200);
  });

  it("answers ApplicationThrottled MailboxConcurrency beyond 4 concurrent requests", async () => {
    await start({ faults: { latencyMinMs: 50, latencyMaxMs: 50 }, throttling: { concurrencyRetryAfterSeconds: 0.01 } });
    const responses = await Promise.all(Array.from({ length: 6 }, () => graph.call<ErrorBody>("GET", "/me/events")));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const throttled = responses.find((r) => r.status === 429);
    for (const response of responses.filter((r) => r.status === 429))
      expect(response.body.error.code).toBe("ApplicationThrottled");
    expect(throttled?.body.error).toMatchObject({
      code: "ApplicationThrottled",
      message: "Application is over its MailboxConcurrency limit.",
    });
    expect(Number(throttled?.headers.get("Retry-After"))).toBeLessThanOrEqual(0.01);
  });

  it("can scope the concurrency limit per app across mailboxes", async () => {
    const concurrentAcrossMailboxes = async (): Promise<number[]> => {
      const calls = [graph.alice, graph.alice, graph.bob, graph.bob, graph.bob].map((user) =>
        graph.call("GET", "/me/events", { user }),
      );
      return (await Promise.all(calls)).map((r) => r.status);
    };
    await start({ faults: { latencyMinMs: 50, latencyMaxMs: 50 }, throttling: { maxConcurrent: 2 } });
    expect((await concurrentAcrossMailboxes()).filter((s) => s === 429)).toHaveLength(1);
    graph.close();
    await start({
      faults: { latencyMinMs: 50, latencyMaxMs: 50 },
      throttling: { maxConcurrent: 2, concurrencyScope: "app" },
    });
    expect((await concurrentAcrossMailboxes()).filter((s) => s === 429)).toHaveLength(3);
  });

  it("changes limits at run time through the admin API", async () => {
    await start({});
    const patched = await graph.service.admin.request("/api/options", {
      method: "PATCH",
      body: JSON.stringify({ throttling: { requestsPerWindow: 1 } }),
    });
    expect(patched.status).toBe(200);
    expect((await graph.call("GET", "/me")).status).toBe(200);
    expect((await graph.call("GET", "/me")).status).toBe(429);
    const invalid = await graph.service.admin.request("/api/options", {
      method: "PATCH",
      body: JSON.stringify({ throttling: { maxConcurrent: -1 } }),
    });
    expect(invalid.status).toBe(400);
  });
});
