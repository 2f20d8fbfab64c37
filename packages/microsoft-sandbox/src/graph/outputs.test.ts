import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GraphOutput } from "./outputs";
import { createGraphHarness, eventBody, startWebhook, type GraphHarness } from "./test-support";

let graph: GraphHarness;
beforeEach(async () => {
  graph = await createGraphHarness({ subscriptions: { batchWindowMs: 5 } });
});
afterEach(() => graph.close());

const summary = (output: GraphOutput): string =>
  output.kind === "response" ? `${output.endpoint} ${output.status}` : `notification to ${output.url}`;

describe("observe", () => {
  it("tells a listener of every response, each sub-response of a $batch included, until it stops listening", async () => {
    const seen: GraphOutput[] = [];
    const stop = graph.service.observe((output) => seen.push(output));
    const me = await graph.call("GET", "/me");
    const requests = [
      { id: "events", method: "GET", url: "/me/events" },
      { id: "missing", method: "GET", url: "/me/events/not-an-id" },
    ];
    await graph.call("POST", "/$batch", { body: { requests } });
    stop();
    await graph.call("GET", "/me/mailboxSettings");
    expect(seen.map(summary).sort()).toEqual([
      "GET /me 200",
      "GET /me/events 200",
      "GET /me/events/{eventId} 400",
      "POST /$batch 200",
    ]);
    expect(seen[0]).toMatchObject({ kind: "response", contentType: expect.stringContaining("application/json") });
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual(me.body);
  });

  it("tells a listener of every notification, as posted to the subscriber", async () => {
    const webhook = await startWebhook();
    const seen: GraphOutput[] = [];
    graph.service.observe((output) => seen.push(output));
    const expirationDateTime = new Date(Date.now() + 3_600_000).toISOString();
    await graph.call("POST", "/subscriptions", {
      body: {
        changeType: "created",
        notificationUrl: `${webhook.url}/changes`,
        resource: "me/events",
        expirationDateTime,
      },
    });
    await graph.call("POST", "/me/events", {
      body: eventBody("notified", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    await expect.poll(() => webhook.notifications.length).toBe(1);
    await webhook.close();
    const notifications = seen.filter((output) => output.kind === "notification");
    expect(notifications).toEqual([
      { kind: "notification", url: `${webhook.url}/changes`, body: webhook.notifications[0] },
    ]);
  });
});
