import type { Event } from "@microsoft/microsoft-graph-types";
import { mintGraphToken, sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { beforeEach, describe, expect, it } from "vitest";
import { createGraphClient, graphStatusOf } from "./graph-client";
import {
  ForeignOriginError,
  GraphRequestPolicy,
  MicrosoftUnreachableError,
  USER_FACING_RETRY,
  parseRetryAfter,
  type GraphAttempt,
  type RetrySettings,
} from "./graph-middleware";
import { MailboxLimiter } from "./mailbox-limiter";
import { listenSilently, refusingOrigin } from "./testing/listeners";

const sandbox = useSandbox([{ userPrincipalName: "ana@contoso.test" }]);

interface LoggedRequest {
  at: string;
  method: string;
  endpoint: string;
  status: number;
  injected?: string | null;
  userAgent?: string;
}

async function requestLog(): Promise<LoggedRequest[]> {
  const { value } = (await sandboxAdmin(sandbox(), "GET", "/requests?mailbox=ana@contoso.test&limit=1000")) as {
    value: LoggedRequest[];
  };
  return [...value].sort((a, b) => a.at.localeCompare(b.at));
}

function clientFor(
  options: {
    attempts?: GraphAttempt[];
    limiter?: MailboxLimiter;
    refreshes?: { count: number };
    beforeAttempt?: (attempt: number) => Promise<void>;
  } = {},
) {
  let attempt = 0;
  return createGraphClient({
    origin: sandbox().url,
    accessToken: async ({ forceRefresh }) => {
      await options.beforeAttempt?.(++attempt);
      if (forceRefresh && options.refreshes) options.refreshes.count++;
      return mintGraphToken(sandbox(), "ana@contoso.test");
    },
    limiter: options.limiter,
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
    onAttempt: (attempt) => options.attempts?.push(attempt),
  });
}

beforeEach(async () => {
  await sandboxAdmin(sandbox(), "PUT", "/faults", {});
  await sandboxAdmin(sandbox(), "DELETE", "/requests");
});

describe("the Graph client's request layer", () => {
  it("waits out Retry-After on 429 and 503, never retrying early", async () => {
    await sandboxAdmin(sandbox(), "PATCH", "/faults", {
      retryAfterSeconds: 0.4,
      scripted: [
        { method: "GET", pathContains: "/me", status: 429, count: 1 },
        { method: "GET", pathContains: "/me", status: 503, count: 1 },
      ],
    });
    const attempts: GraphAttempt[] = [];
    const started = Date.now();
    expect(await clientFor({ attempts }).api("/me").get()).toMatchObject({ userPrincipalName: "ana@contoso.test" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(attempts.map(({ status }) => status)).toEqual([429, 503, 200]);
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(400);
    expect(attempts[0]?.requestId).toBeTruthy();
    const log = await requestLog();
    expect(log.map(({ status }) => status)).toEqual([429, 503, 200]);
  });

  it("retries 500 and 502 for idempotent requests only", async () => {
    await sandboxAdmin(sandbox(), "PATCH", "/faults", {
      scripted: [
        { method: "GET", pathContains: "/me", status: 502, count: 1 },
        { method: "POST", pathContains: "/events", status: 500, count: 1 },
      ],
    });
    expect(await clientFor().api("/me").get()).toMatchObject({ userPrincipalName: "ana@contoso.test" });
    const create = clientFor()
      .api("/me/events")
      .post({
        subject: "Once",
        start: { dateTime: "2026-12-01T10:00:00", timeZone: "UTC" },
        end: { dateTime: "2026-12-01T11:00:00", timeZone: "UTC" },
      });
    expect(graphStatusOf(await create.catch((error: unknown) => error))).toBe(500);
  });

  it("refreshes the token once when Graph refuses it mid-pagination", async () => {
    const refreshes = { count: 0 };
    // Tokens minted within the coming minute count too: the client mints its first one in this same second.
    await sandboxAdmin(sandbox(), "POST", "/faults/reject-tokens", {
      count: 1,
      issuedBefore: Math.floor(Date.now() / 1000) + 60,
    });
    expect(await clientFor({ refreshes }).api("/me/calendars").get()).toMatchObject({ value: expect.any(Array) });
    expect(refreshes.count).toBe(1);
  });

  it("keeps a mailbox within 4 concurrent requests, so Outlook never throttles it for concurrency", async () => {
    const limiter = new MailboxLimiter();
    const client = clientFor({ limiter });
    await Promise.all(Array.from({ length: 24 }, () => client.api("/me").get()));
    expect(limiter.peakInFlight).toBe(4);
    expect((await requestLog()).filter(({ status }) => status === 429)).toEqual([]);
  });

  it("retries a create whose response was lost, and the transactionId keeps it to one event", async () => {
    await sandboxAdmin(sandbox(), "PATCH", "/faults", { lostCreateRate: 1 });
    const attempts: GraphAttempt[] = [];
    // The bearer layer asks for a token before every attempt: the first create is lost, the retry is answered.
    const stopLosingCreates = async (attempt: number) => {
      if (attempt === 2) await sandboxAdmin(sandbox(), "PATCH", "/faults", { lostCreateRate: 0 });
    };
    const client = clientFor({ attempts, beforeAttempt: stopLosingCreates });
    const body = {
      subject: "Lost then found",
      transactionId: "6b2f7c1e-0d4a-4f5b-9a8c-2e1d3f4a5b6c",
      start: { dateTime: "2026-12-02T10:00:00", timeZone: "UTC" },
      end: { dateTime: "2026-12-02T11:00:00", timeZone: "UTC" },
    };
    const created = (await client
      .api("/me/events")
      .middlewareOptions([new GraphRequestPolicy({ idempotent: true })])
      .post(body)) as Event;
    expect(attempts[0]?.status).toBeUndefined();
    const found = (await client.api("/me/events").filter("subject eq 'Lost then found'").get()) as { value: Event[] };
    expect(found.value.map(({ id }) => id)).toEqual([created.id]);
  });

  it("names the product and its process in the User-Agent of every request, $batch sub-requests included", async () => {
    const client = createGraphClient({
      origin: sandbox().url,
      accessToken: async () => mintGraphToken(sandbox(), "ana@contoso.test"),
      userAgent: "NONISV|Agenda|Test/1.0 (worker-a)",
    });
    await client.api("/me").get();
    await client.api("/$batch").post({ requests: [{ id: "1", method: "GET", url: "/me/calendar" }] });
    const log = await requestLog();
    expect(log.map(({ endpoint, userAgent }) => [endpoint, userAgent])).toEqual([
      ["GET /me", "NONISV|Agenda|Test/1.0 (worker-a)"],
      ["GET /me/calendar", "NONISV|Agenda|Test/1.0 (worker-a)"],
      ["POST /$batch", "NONISV|Agenda|Test/1.0 (worker-a)"],
    ]);
  });

  it("gives up after its attempts and reports Graph's status", async () => {
    await sandboxAdmin(sandbox(), "PATCH", "/faults", {
      scripted: [{ method: "GET", pathContains: "/me", status: 503, count: 10 }],
      retryAfterSeconds: 0.01,
    });
    const attempts: GraphAttempt[] = [];
    const error = await clientFor({ attempts })
      .api("/me")
      .get()
      .catch((caught: unknown) => caught);
    expect(graphStatusOf(error)).toBe(503);
    expect(attempts).toHaveLength(6);
  });
});

describe("the Graph client facing another origin or none", () => {
  const failureOf = (request: Promise<unknown>) =>
    request.then(
      () => undefined,
      (caught: unknown) => caught,
    );

  it("sends nothing to an origin other than Graph's, whatever link it is given", async () => {
    const elsewhere = await listenSilently();
    try {
      const attempts: GraphAttempt[] = [];
      const client = createGraphClient({
        origin: sandbox().url,
        accessToken: async () => mintGraphToken(sandbox(), "ana@contoso.test"),
        retry: { maxAttempts: 1, timeoutMs: 500 },
        onAttempt: (attempt) => attempts.push(attempt),
      });
      const error = await failureOf(
        client.api(`${elsewhere.origin}/v1.0/me/calendarView/delta?$deltatoken=secret-token`).get(),
      );
      expect(error).toBeInstanceOf(ForeignOriginError);
      expect(error).toMatchObject({ origin: elsewhere.origin, graphOrigin: sandbox().url });
      expect((error as Error).message).not.toContain("secret-token");
      expect(attempts).toEqual([]);
      expect(elsewhere.connections).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  const unreachable = (origin: string, retry: Partial<RetrySettings>, attempts: GraphAttempt[]) =>
    createGraphClient({
      origin,
      accessToken: async () => "never sent",
      retry,
      onAttempt: (attempt) => attempts.push(attempt),
    });

  it("says Microsoft is unreachable once a call someone waits on has met refused connections for its network budget", async () => {
    const origin = await refusingOrigin();
    const attempts: GraphAttempt[] = [];
    const started = Date.now();
    const error = await failureOf(unreachable(origin, USER_FACING_RETRY, attempts).api("/me").get());
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(MicrosoftUnreachableError);
    expect(error).toMatchObject({ origin, reason: "ECONNREFUSED" });
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.every(({ status }) => status === undefined)).toBe(true);
    expect(elapsed).toBeLessThan(USER_FACING_RETRY.networkBudgetMs + 500);
  });

  it("gives a job its whole schedule of attempts, and gives up on a silent network after an attempt's timeout", async () => {
    const origin = await refusingOrigin();
    const attempts: GraphAttempt[] = [];
    expect(
      await failureOf(unreachable(origin, { baseDelayMs: 5, maxDelayMs: 10 }, attempts).api("/me").get()),
    ).toBeInstanceOf(MicrosoftUnreachableError);
    expect(attempts).toHaveLength(6);

    const silent = await listenSilently();
    try {
      const started = Date.now();
      const error = await failureOf(
        unreachable(silent.origin, { timeoutMs: 300, networkBudgetMs: 0 }, []).api("/me").get(),
      );
      expect(error).toMatchObject({ origin: silent.origin, reason: "timeout" });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(silent.connections).toBe(1);
    } finally {
      await silent.close();
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds, fractions and HTTP dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("2.128")).toBe(2128);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now())).toBeGreaterThan(1000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
