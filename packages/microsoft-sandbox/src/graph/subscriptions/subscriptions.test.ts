import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Event, Subscription } from "@microsoft/microsoft-graph-types";
import { afterEach, describe, expect, it } from "vitest";
import type { GraphOptionsInput } from "../options";
import { createGraphHarness, eventBody, type GraphHarness } from "../test-support";

type ErrorBody = { error: { code: string; message: string } };
type Received = { path: string; query: URLSearchParams; contentType: string; body: string };
type Notification = Record<string, unknown> & { resourceData?: Record<string, string> };

/** A webhook endpoint on loopback whose behaviour each test scripts. */
class Receiver {
  readonly received: Received[] = [];
  /** How to answer the validation handshake. */
  validation: "echo" | "echo-encoded" | "fail" | "slow" = "echo";
  /** Statuses for the next notification POSTs (then 202). */
  statuses: number[] = [];
  delayMs = 0;
  #server: Server;

  constructor() {
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
  }

  url(path = "/notifications"): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://localhost");
    this.received.push({
      path: url.pathname,
      query: url.searchParams,
      contentType: request.headers["content-type"] ?? "",
      body: Buffer.concat(chunks).toString(),
    });
    const token = url.searchParams.get("validationToken");
    if (token !== null) {
      if (this.validation === "slow") await new Promise((resolve) => setTimeout(resolve, 1500));
      if (this.validation === "fail") response.writeHead(500).end();
      else
        response
          .writeHead(200, { "Content-Type": "text/plain" })
          .end(this.validation === "echo-encoded" ? encodeURIComponent(token) : token);
      return;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    response.writeHead(this.statuses.shift() ?? 202).end();
  }

  notifications(path = "/notifications"): Notification[] {
    return this.received
      .filter((r) => r.path === path && !r.query.has("validationToken"))
      .flatMap((r) => (JSON.parse(r.body) as { value: Notification[] }).value);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the receiver");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

let graph: GraphHarness;
let receiver: Receiver;
afterEach(async () => {
  graph.close();
  await receiver.close();
});

// Short delays keep the file fast; the two timeouts stay roomy so a loaded CI machine does not trip them by accident.
const FAST: GraphOptionsInput["subscriptions"] = {
  batchWindowMs: 5,
  retryBaseMs: 20,
  validationTimeoutMs: 1000,
  deliveryTimeoutMs: 1000,
};

async function start(options: GraphOptionsInput = {}): Promise<void> {
  graph = await createGraphHarness({ ...options, subscriptions: { ...FAST, ...options.subscriptions } });
  receiver = new Receiver();
  await receiver.listen();
}

const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

async function subscribe(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return graph.call<Subscription & ErrorBody>("POST", "/subscriptions", {
    body: {
      changeType: "created,updated,deleted",
      notificationUrl: receiver.url(),
      lifecycleNotificationUrl: receiver.url("/lifecycle"),
      resource: "me/events",
      expirationDateTime: inMinutes(60),
      clientState: "secret-state",
      ...extra,
    },
    headers,
  });
}

const createEvent = (subject: string) =>
  graph.call<Event>("POST", "/me/events", { body: eventBody(subject, "2030-01-01T10:00:00", "2030-01-01T11:00:00") });

describe("subscriptions", () => {
  it("validates both endpoints with the handshake, then creates the subscription", async () => {
    await start();
    const created = await subscribe();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      resource: "me/events",
      changeType: "created,updated,deleted",
      clientState: "secret-state",
      notificationUrl: receiver.url(),
    });
    // Graph's timestamps: UTC with seven fraction digits.
    expect(created.body.expirationDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    const handshakes = receiver.received.filter((r) => r.query.has("validationToken"));
    expect(handshakes.map((r) => r.path)).toEqual(["/notifications", "/lifecycle"]);
    expect(handshakes[0]?.contentType).toContain("text/plain");
    expect(handshakes[0]?.query.get("validationToken")).toMatch(/^Validation: Testing client application reachability/);
    const listed = await graph.call<{ value: Subscription[] }>("GET", "/subscriptions");
    expect(listed.body.value.map((s) => s.id)).toEqual([created.body.id]);
  });

  it("creates nothing when the handshake fails, is answered encoded, or times out", async () => {
    await start();
    for (const validation of ["fail", "echo-encoded", "slow"] as const) {
      receiver.validation = validation;
      const response = await subscribe();
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/validation request/i);
    }
    expect((await graph.call<{ value: Subscription[] }>("GET", "/subscriptions")).body.value).toEqual([]);
  });

  it("enforces clientState length, the maximum lifetime, and https (except loopback)", async () => {
    await start({ subscriptions: { maxLifetimeMinutes: 4230 } });
    expect((await subscribe({ clientState: "x".repeat(129) })).status).toBe(400);
    const tooLong = await subscribe({ expirationDateTime: inMinutes(4231) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("ExtensionError");
    expect((await subscribe({ expirationDateTime: inMinutes(4229) })).status).toBe(201);
    expect((await subscribe({ expirationDateTime: inMinutes(-1) })).status).toBe(400);
    expect((await subscribe({ notificationUrl: "http://webhooks.example.com/graph" })).status).toBe(400);
    expect((await subscribe({ resource: "me/messages" })).status).toBe(400);
  });

  it("renews with PATCH within the maximum, deletes with DELETE, and hides subscriptions from other apps", async () => {
    await start();
    const id = (await subscribe()).body.id as string;
    const renewed = await graph.call<Subscription>("PATCH", `/subscriptions/${id}`, {
      body: { expirationDateTime: inMinutes(10_000) },
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.body.expirationDateTime ?? "")).toBeGreaterThan(Date.now() + 9_000 * 60_000);
    expect(
      (await graph.call("PATCH", `/subscriptions/${id}`, { body: { expirationDateTime: inMinutes(10_081) } })).status,
    ).toBe(400);
    const otherApp = await graph.token(graph.alice, { azp: "99999999-0000-0000-0000-000000000000" });
    expect((await graph.call("GET", `/subscriptions/${id}`, { token: otherApp })).status).toBe(404);
    expect((await graph.call("POST", `/subscriptions/${id}/reauthorize`)).status).toBe(204);
    expect((await graph.call("DELETE", `/subscriptions/${id}`)).status).toBe(204);
    expect((await graph.call("GET", `/subscriptions/${id}`)).status).toBe(404);
  });

  it("notifies created, updated and deleted events in Graph's payload", async () => {
    await start();
    const subscription = (await subscribe()).body;
    const event = (await createEvent("notify me")).body;
    await graph.call("PATCH", `/me/events/${event.id}`, { body: { subject: "changed" } });
    await graph.call("DELETE", `/me/events/${event.id}`);
    await receiver.waitFor(() => receiver.notifications().length >= 3);
    const notifications = receiver.notifications();
    expect(notifications.map((n) => n.changeType)).toEqual(["created", "updated", "deleted"]);
    expect(notifications[0]).toMatchObject({
      subscriptionId: subscription.id,
      clientState: "secret-state",
      tenantId: graph.alice.tenantId,
      resource: `Users/${graph.alice.id}/Events/${event.id}`,
      resourceData: {
        "@odata.type": "#Microsoft.Graph.Event",
        "@odata.id": `Users/${graph.alice.id}/Events/${event.id}`,
        id: event.id,
      },
    });
    expect(notifications[0]?.subscriptionExpirationDateTime).toBe(subscription.expirationDateTime);
  });

  it("carries immutable ids when created with Prefer: IdType=ImmutableId, and only for its calendar", async () => {
    await start();
    await subscribe({}, { Prefer: 'IdType="ImmutableId"' });
    const work = (await graph.call<{ id: string }>("POST", "/me/calendars", { body: { name: "Work" } })).body;
    await graph.call("POST", `/me/calendars/${work.id}/events`, {
      body: eventBody("elsewhere", "2030-01-01T10:00:00", "2030-01-01T11:00:00"),
    });
    const event = (await createEvent("here")).body;
    const immutable = (
      await graph.call<Event>("GET", `/me/events/${event.id}`, { headers: { Prefer: 'IdType="ImmutableId"' } })
    ).body;
    await receiver.waitFor(() => receiver.notifications().length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(receiver.notifications().map((n) => n.resourceData?.id)).toEqual([immutable.id]);
  });

  it("redelivers with backoff when the endpoint fails or is too slow", async () => {
    await start();
    await subscribe();
    receiver.statuses = [500, 503];
    await createEvent("retried");
    await receiver.waitFor(() => graph.service.notifier.deliveries().some((d) => d.outcome === "delivered"));
    const outcomes = graph.service.notifier.deliveries().map((d) => d.outcome);
    expect(outcomes).toEqual(["retrying", "retrying", "delivered"]);
    expect(receiver.notifications()).toHaveLength(3);

    receiver.delayMs = 1300;
    await createEvent("slow endpoint");
    await receiver.waitFor(
      () => graph.service.notifier.deliveries().filter((d) => d.outcome === "retrying").length >= 3,
      15_000,
    );
    receiver.delayMs = 0;
    await receiver.waitFor(
      () => graph.service.notifier.deliveries().filter((d) => d.outcome === "delivered").length >= 2,
    );
  });

  it("gives up after the retry window and sends a missed lifecycle event", async () => {
    await start({ subscriptions: { retryWindowMs: 60 } });
    const subscription = (await subscribe()).body;
    receiver.statuses = [500, 500, 500, 500, 500, 500];
    await createEvent("never delivered");
    await receiver.waitFor(() => receiver.notifications("/lifecycle").length >= 1);
    expect(receiver.notifications("/lifecycle")[0]).toMatchObject({
      subscriptionId: subscription.id,
      lifecycleEvent: "missed",
      clientState: "secret-state",
    });
    expect(graph.service.notifier.deliveries().some((d) => d.outcome === "dropped")).toBe(true);
  });

  it("drops notifications to an endpoint that is too often slow, and tells the subscription it missed them", async () => {
    await start({ subscriptions: { slowWindowSize: 2, slowResponseMs: 10 } });
    await subscribe();
    receiver.delayMs = 40;
    const delivered = () => graph.service.notifier.deliveries().filter((d) => d.outcome === "delivered").length;
    await createEvent("slow 1");
    await receiver.waitFor(() => delivered() >= 1);
    await createEvent("slow 2");
    await receiver.waitFor(() => delivered() >= 2);
    await createEvent("dropped");
    await receiver.waitFor(() => receiver.notifications("/lifecycle").some((n) => n.lifecycleEvent === "missed"));
    expect(receiver.notifications()).toHaveLength(2);
  });

  it("sends reauthorizationRequired near expiry, and subscriptionRemoved or missed on demand", async () => {
    await start({ subscriptions: { reauthorizationLeadMs: 2 * 3_600_000 } });
    const subscription = (await subscribe()).body;
    graph.service.subscriptions.checkLifecycles();
    graph.service.subscriptions.checkLifecycles();
    await receiver.waitFor(() => receiver.notifications("/lifecycle").length >= 1);
    const missed = await graph.service.admin.request(`/api/subscriptions/${subscription.id}/lifecycle`, {
      method: "POST",
      body: JSON.stringify({ lifecycleEvent: "missed" }),
    });
    expect(missed.status).toBe(202);
    await graph.service.admin.request(`/api/subscriptions/${subscription.id}/lifecycle`, {
      method: "POST",
      body: JSON.stringify({ lifecycleEvent: "subscriptionRemoved" }),
    });
    await receiver.waitFor(() => receiver.notifications("/lifecycle").length >= 3);
    expect(receiver.notifications("/lifecycle").map((n) => n.lifecycleEvent)).toEqual([
      "reauthorizationRequired",
      "missed",
      "subscriptionRemoved",
    ]);
    expect((await graph.call("GET", `/subscriptions/${subscription.id}`)).status).toBe(404);
  });

  it("drops, duplicates or delays notifications as faults", async () => {
    await start({ faults: { notificationDropRate: 1 } });
    await subscribe();
    await createEvent("dropped");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.notifications()).toHaveLength(0);

    graph.service.setOptions({ faults: { notificationDropRate: 0, notificationDuplicateRate: 1 } });
    await createEvent("twice");
    await receiver.waitFor(() => receiver.notifications().length >= 2);
    const [first, second] = receiver.notifications();
    expect(first?.resourceData?.id).toBe(second?.resourceData?.id);

    graph.service.setOptions({ faults: { notificationDuplicateRate: 0, notificationDelayMs: 120 } });
    const started = Date.now();
    await createEvent("late");
    await receiver.waitFor(() => receiver.notifications().length >= 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});
