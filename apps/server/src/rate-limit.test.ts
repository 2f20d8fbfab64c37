import type { AddressInfo } from "node:net";
import { createAuthenticator, signSessionToken, type AppRouter } from "@agenda/api";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { serve } from "@hono/node-server";
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { createApp } from "./app";
import type { RateLimits } from "./rate-limit";

const database = useTestDatabase();
const SECRET = "rate-limit-test-secret-long-enough-for-hs256";

function appWith(limits: Partial<RateLimits>) {
  const rateLimits: RateLimits = {
    perUserPerMinute: 1000,
    perServiceTokenPerMinute: 1000,
    perAddressPerMinute: 1000,
    rejectedWebhooksPerAddressPerMinute: 1000,
    perFeedPerMinute: 1000,
    ...limits,
  };
  return createApp({
    db: database().db,
    authenticator: createAuthenticator({ secret: SECRET }),
    demo: null,
    outlook: null,
    sync: null,
    rateLimits,
  });
}

async function listening(app: ReturnType<typeof createApp>) {
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe("API rate limits", () => {
  it("stop a service token past its budget without slowing another token or a person", async () => {
    const { db } = database();
    const app = appWith({ perUserPerMinute: 3, perServiceTokenPerMinute: 5 });
    const greedy = (await createServiceToken(db, { name: "greedy", scopes: ["formations:write"] })).token;
    const polite = (await createServiceToken(db, { name: "polite", scopes: ["formations:write"] })).token;
    const ana = await signSessionToken(
      SECRET,
      await ensureUser(db, {
        platformUserId: "ana",
        email: "ana@example.test",
        name: "Ana",
        role: "learner",
        locale: "fr",
      }),
    );
    const get = (token: string, locale = "en") =>
      app.request("/api/admin/integrations", {
        headers: { authorization: `Bearer ${token}`, "accept-language": locale },
      });

    for (let request = 0; request < 5; request++) expect((await get(greedy)).status).not.toBe(429);
    const refused = await get(greedy);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Too many requests: try again in \d+ s\.$/) },
    });

    for (let request = 0; request < 5; request++) expect((await get(polite)).status).not.toBe(429);
    for (let request = 0; request < 3; request++) expect((await get(ana)).status).not.toBe(429);
    expect((await get(ana)).status).toBe(429);
  });

  it("refuse a tRPC caller past its budget with a tRPC error its client reads, in its language, alone or in a batch", async () => {
    const { db } = database();
    const server = await listening(appWith({ perUserPerMinute: 2, perServiceTokenPerMinute: 2 }));
    const url = `${server.url}/trpc`;
    try {
      const token = (await createServiceToken(db, { name: "chatty", scopes: ["formations:write"] })).token;
      const retryAfters: Array<string | null> = [];
      const fetchNotingRetryAfter: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        retryAfters.push(response.headers.get("retry-after"));
        return response;
      };
      const options = (locale: string) => ({
        url,
        fetch: fetchNotingRetryAfter,
        headers: { authorization: `Bearer ${token}`, "accept-language": locale },
      });
      const single = createTRPCClient<AppRouter>({ links: [httpLink(options("fr"))] });
      const batched = createTRPCClient<AppRouter>({ links: [httpBatchLink(options("en"))] });

      expect(await single.me.query()).toMatchObject({ kind: "service", name: "chatty" });
      expect(await single.me.query()).toMatchObject({ kind: "service" });
      const refused = await single.me.query().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TRPCClientError);
      expect((refused as TRPCClientError<AppRouter>).data).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        httpStatus: 429,
        appCode: "RATE_LIMITED",
      });
      expect((refused as Error).message).toMatch(/^Trop de requêtes : réessayez dans \d+ s\.$/);

      const [me, integrations] = await Promise.allSettled([batched.me.query(), batched.integrations.all.query()]);
      for (const call of [me, integrations]) {
        expect(call.status).toBe("rejected");
        const error = (call as PromiseRejectedResult).reason as TRPCClientError<AppRouter>;
        expect(error).toBeInstanceOf(TRPCClientError);
        expect(error.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429, appCode: "RATE_LIMITED" });
        expect(error.message).toMatch(/^Too many requests: try again in \d+ s\.$/);
      }
      // Two single calls, one refused; then one batched request for both calls.
      expect(retryAfters).toHaveLength(4);
      for (const retryAfter of retryAfters.slice(2)) {
        expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
        expect(Number(retryAfter)).toBeLessThanOrEqual(60);
      }
    } finally {
      server.close();
    }
  });

  it("leave Microsoft's webhooks and the probes alone", async () => {
    const app = appWith({ perUserPerMinute: 1, perServiceTokenPerMinute: 1, perAddressPerMinute: 1 });
    for (let request = 0; request < 5; request++) {
      expect(
        (await app.request("/api/calendar/outlook/notifications?validationToken=abc", { method: "POST" })).status,
      ).not.toBe(429);
      expect((await app.request("/healthz")).status).toBe(200);
    }
  });

  it("count every call of a batch, and refuse batches over the cap with a typed error", async () => {
    const { db } = database();
    const app = appWith({ perServiceTokenPerMinute: 12 });
    const token = (await createServiceToken(db, { name: "batcher", scopes: ["formations:read"] })).token;
    const batch = (calls: number) =>
      app.request(
        `/trpc/${Array.from({ length: calls }, () => "me").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`,
        {
          headers: { authorization: `Bearer ${token}`, "accept-language": "en" },
        },
      );

    const tooBig = await batch(21);
    expect(tooBig.status).toBe(400);
    const refusals = (await tooBig.json()) as Array<{ error: { message: string; data: { appCode: string } } }>;
    expect(refusals).toHaveLength(21);
    expect(refusals[0]?.error).toMatchObject({
      message: "Too many batched calls in one request: 20 at most.",
      data: { appCode: "BATCH_TOO_LARGE" },
    });

    // Three requests, thirteen calls: the budget of twelve is spent by the calls, not the requests.
    expect((await batch(10)).status).toBe(200);
    expect((await batch(2)).status).toBe(200);
    expect((await batch(1)).status).toBe(429);
  });

  it("count a token in tRPC's connectionParams like one in the header: a session token there is refused, on the sender's address budget", async () => {
    const { db } = database();
    const ana = await signSessionToken(
      SECRET,
      await ensureUser(db, {
        platformUserId: "ana-side-door",
        email: "ana.side@example.test",
        name: "Ana",
        role: "learner",
      }),
    );
    const app = appWith({ perUserPerMinute: 5, perAddressPerMinute: 20 });
    const sideDoor = () =>
      app.request(`/trpc/me?connectionParams=${encodeURIComponent(JSON.stringify({ token: ana }))}`);
    const statuses: number[] = [];
    for (let request = 0; request < 40; request++) statuses.push((await sideDoor()).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(0);
    expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
  });

  it("count a stream ticket on its person's budget, the same budget as their header calls", async () => {
    const { db } = database();
    const ana = await signSessionToken(
      SECRET,
      await ensureUser(db, {
        platformUserId: "ana-ticket",
        email: "ana.ticket@example.test",
        name: "Ana",
        role: "learner",
      }),
    );
    const app = appWith({ perUserPerMinute: 4 });
    const headers = { authorization: `Bearer ${ana}`, "content-type": "application/json" };
    const ticket = async () => {
      const response = await app.request("/trpc/sync.statusTicket", { method: "POST", headers, body: "{}" });
      return ((await response.json()) as { result: { data: { ticket: string } } }).result.data.ticket;
    };
    const first = await ticket();
    const second = await ticket();
    // A ticket opens only its stream: anything else is refused, and still spent from the person's budget.
    const misuse = await app.request(
      `/trpc/me?connectionParams=${encodeURIComponent(JSON.stringify({ ticket: first }))}`,
    );
    expect(misuse.status).toBe(403);
    expect(await misuse.json()).toMatchObject({ error: { data: { appCode: "STREAM_TICKET_ONLY" } } });
    expect((await app.request("/trpc/me", { headers })).status).toBe(200);
    const over = await app.request(
      `/trpc/me?connectionParams=${encodeURIComponent(JSON.stringify({ ticket: second }))}`,
    );
    expect(over.status).toBe(429);
  });

  it("are one budget for every server process, kept in PostgreSQL", async () => {
    const { db } = database();
    const token = (await createServiceToken(db, { name: "shared", scopes: ["formations:read"] })).token;
    const [first, second] = [appWith({ perServiceTokenPerMinute: 6 }), appWith({ perServiceTokenPerMinute: 6 })];
    const get = (app: ReturnType<typeof createApp>) =>
      app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    for (let request = 0; request < 3; request++) {
      expect((await get(first)).status).toBe(200);
      expect((await get(second)).status).toBe(200);
    }
    expect((await get(first)).status).toBe(429);
    expect((await get(second)).status).toBe(429);
  });
});
