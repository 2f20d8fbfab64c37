import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  GraphError,
  PageIterator,
  RetryHandlerOptions,
  type PageCollection,
} from "@microsoft/microsoft-graph-client";
import type { Event, User } from "@microsoft/microsoft-graph-types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../sandbox";
import { msalClient, signInWithMsal } from "../test-support";
import { suiteOutputCheck } from "./schema/output-check";

/** The real Graph SDK against the sandbox over HTTPS, with a token from the real MSAL. */
let sandbox: Sandbox;
let client: Client;
const UPN = "adele@contoso.example";

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, users: [{ userPrincipalName: UPN, timeZone: "Europe/Paris" }] });
  sandbox.graph.observe(suiteOutputCheck.check);
  const { accessToken } = await signInWithMsal(msalClient(sandbox), UPN, ["Calendars.ReadWrite", "User.Read"]);
  client = Client.init({
    baseUrl: `${sandbox.url}/`,
    defaultVersion: "v1.0",
    customHosts: new Set([new URL(sandbox.url).hostname]),
    authProvider: (done) => done(null, accessToken),
  });
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.graph.reset();
  sandbox.graph.setOptions({
    throttling: { requestsPerWindow: 10_000, windowSeconds: 600 },
    faults: { errorRate: 0, lostCreateRate: 0 },
  });
});

const event = (subject: string, day: number): Event => ({
  subject,
  start: { dateTime: `2030-01-${String(day).padStart(2, "0")}T10:00:00`, timeZone: "Romance Standard Time" },
  end: { dateTime: `2030-01-${String(day).padStart(2, "0")}T11:00:00`, timeZone: "Romance Standard Time" },
});

describe("contract with @microsoft/microsoft-graph-client over HTTPS", () => {
  it("reads /me with the bearer token the client attaches for a custom host", async () => {
    const me = (await client.api("/me").get()) as User;
    expect(me.userPrincipalName).toBe(UPN);
  });

  it("pages a delta to its deltaLink with PageIterator, then reads the next round", async () => {
    const mailbox = sandbox.directory.findByUserPrincipalName(UPN);
    const seeded = await fetch(`${sandbox.url}/admin/api/mailboxes/${mailbox?.id}/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events: Array.from({ length: 45 }, (_, i) => event(`seed ${i}`, (i % 28) + 1)) }),
    });
    expect(seeded.status).toBe(201);
    const headers = { Prefer: "odata.maxpagesize=10" };
    const window = "startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z";
    const firstPage = (await client.api(`/me/calendarView/delta?${window}`).headers(headers).get()) as PageCollection;
    const seen: Event[] = [];
    const iterator = new PageIterator(
      client,
      firstPage,
      (item: Event) => {
        seen.push(item);
        return true;
      },
      { headers },
    );
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(seen).toHaveLength(45);
    const deltaLink = iterator.getDeltaLink() as string;
    expect(deltaLink.startsWith(`${sandbox.url}/v1.0/me/calendarView/delta?$deltatoken=`)).toBe(true);

    const created = (await client.api("/me/events").post(event("after the round", 20))) as Event;
    const next = (await client.api(deltaLink).get()) as PageCollection;
    expect(next.value.map((item: Event) => item.id)).toEqual([created.id]);
    expect(next["@odata.deltaLink"]).toBeDefined();
  });

  it("batches 20 creates with BatchRequestContent", async () => {
    const steps = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1),
      request: new Request(`${sandbox.url}/v1.0/me/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...event(`batched ${i + 1}`, 5), transactionId: `batch-${i + 1}` }),
      }),
    }));
    const content = new BatchRequestContent(steps);
    const response = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
    const statuses = [...response.getResponses().values()].map((r) => r.status);
    expect(statuses).toHaveLength(20);
    expect(statuses.every((status) => status === 201)).toBe(true);
    const created = (await (response.getResponseById("7") as Response).json()) as Event;
    expect(created.subject).toBe("batched 7");
    const listed = (await client.api("/me/events").top(50).get()) as PageCollection;
    expect(listed.value).toHaveLength(20);
  });

  it("resets the connection of a lost create, and a retry with the same transactionId gets the event already created", async () => {
    sandbox.graph.setOptions({ faults: { lostCreateRate: 1 } });
    const body = { ...event("exactly once", 8), transactionId: "agenda-session-8" };
    const lost = await client
      .api("/me/events")
      .post(body)
      .catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(Error);
    sandbox.graph.setOptions({ faults: { lostCreateRate: 0 } });
    const retried = (await client.api("/me/events").post(body)) as Event;
    const listed = (await client.api("/me/events").get()) as PageCollection;
    expect(listed.value.map((item: Event) => item.id)).toEqual([retried.id]);
  });

  it("surfaces a 429 with Retry-After when retries are off, and honours Retry-After when they are on", async () => {
    sandbox.graph.setOptions({ throttling: { requestsPerWindow: 2, windowSeconds: 0.4 } });
    await client.api("/me").get();
    await client.api("/me").get();
    const noRetry = new RetryHandlerOptions(0, 0);
    const failure = await client
      .api("/me")
      .middlewareOptions([noRetry])
      .get()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphError);
    const graphError = failure as GraphError;
    expect(graphError.statusCode).toBe(429);
    expect(graphError.code).toBe("TooManyRequests");
    expect(Number(graphError.headers?.get("Retry-After"))).toBeGreaterThan(0);
    expect(graphError.requestId).toBeTruthy();

    const me = (await client.api("/me").get()) as User;
    expect(me.userPrincipalName).toBe(UPN);
    const throttled = sandbox.graph.requestLog.entries().filter((entry) => entry.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
  });
});
