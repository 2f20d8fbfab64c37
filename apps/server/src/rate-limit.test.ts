import type { AddressInfo } from "node:net";
import { createAuthenticator, signSessionToken, type AppRouter } from "@agenda/api";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
import { serve } from "@hono/node-server";
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { createApp } from "./app";
import { RateLimiter } from "./rate-limit";

const database = useTestDatabase();
const SECRET = "rate-limit-test-secret-long-enough-for-hs256";

describe("API rate limits", () => {
  it("stop a service token past its budget without slowing another token or a person", async () => {
    const { db } = database();
    const app = createApp({
      db,
      authenticator: createAuthenticator({ secret: SECRET }),
      demo: null,
      outlook: null,
      sync: null,
      rateLimits: { perUserPerMinute: 3, perServiceTokenPerMinute: 5 },
    });
    const greedy = (await createServiceToken(db, { name: "greedy", scopes: ["formations:write"] })).token;
    const polite = (await createServiceToken(db, { name: "polite", scopes: ["formations:write"] })).token;
    const ana = await signSessionToken(SECRET, await ensureUser(db, { platformUserId: "ana", email: "ana@example.test", name: "Ana", role: "learner", locale: "fr" }));
    const get = (token: string, locale = "en") => app.request("/api/admin/integrations", { headers: { authorization: `Bearer ${token}`, "accept-language": locale } });

    for (let request = 0; request < 5; request++) expect((await get(greedy)).status).not.toBe(429);
    const refused = await get(greedy);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Too many requests: try again in \d+ s\.$/) } });

    for (let request = 0; request < 5; request++) expect((await get(polite)).status).not.toBe(429);
    for (let request = 0; request < 3; request++) expect((await get(ana)).status).not.toBe(429);
    expect((await get(ana)).status).toBe(429);
  });

  it("refuse a tRPC caller past its budget with a tRPC error its client reads, in its language, alone or in a batch", async () => {
    const { db } = database();
    const app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook: null, sync: null, rateLimits: { perUserPerMinute: 2, perServiceTokenPerMinute: 2 } });
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server.once("listening", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
    try {
      const token = (await createServiceToken(db, { name: "chatty", scopes: ["formations:write"] })).token;
      const retryAfters: Array<string | null> = [];
      const fetchNotingRetryAfter: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        retryAfters.push(response.headers.get("retry-after"));
        return response;
      };
      const options = (locale: string) => ({ url, fetch: fetchNotingRetryAfter, headers: { authorization: `Bearer ${token}`, "accept-language": locale } });
      const single = createTRPCClient<AppRouter>({ links: [httpLink(options("fr"))] });
      const batched = createTRPCClient<AppRouter>({ links: [httpBatchLink(options("en"))] });

      expect(await single.me.query()).toMatchObject({ kind: "service", name: "chatty" });
      expect(await single.me.query()).toMatchObject({ kind: "service" });
      const refused = await single.me.query().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TRPCClientError);
      expect((refused as TRPCClientError<AppRouter>).data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429, appCode: "RATE_LIMITED" });
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
    const { db } = database();
    const app = createApp({ db, authenticator: createAuthenticator({ secret: SECRET }), demo: null, outlook: null, sync: null, rateLimits: { perUserPerMinute: 1, perServiceTokenPerMinute: 1 } });
    for (let request = 0; request < 5; request++) {
      expect((await app.request("/api/calendar/outlook/notifications?validationToken=abc", { method: "POST" })).status).not.toBe(429);
      expect((await app.request("/healthz")).status).toBe(200);
    }
  });

  it("give a caller a new budget once the minute is over", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    expect(limiter.take("service:a", 2)).toEqual({ allowed: true });
    expect(limiter.take("service:a", 2)).toEqual({ allowed: true });
    now += 45_000;
    expect(limiter.take("service:a", 2)).toEqual({ allowed: false, retryAfterSeconds: 15 });
    now += 15_000;
    expect(limiter.take("service:a", 2)).toEqual({ allowed: true });
  });
});
