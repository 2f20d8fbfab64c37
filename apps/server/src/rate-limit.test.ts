import { createAuthenticator, signSessionToken } from "@agenda/api";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser } from "@agenda/domain/users";
import { useTestDatabase } from "@agenda/testing/database";
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
    const refusedFr = await app.request("/trpc/me", { headers: { authorization: `Bearer ${greedy}`, "accept-language": "fr" } });
    expect(refusedFr.status).toBe(429);
    expect(await refusedFr.json()).toMatchObject({ error: { code: "RATE_LIMITED", message: expect.stringMatching(/^Trop de requêtes/) } });

    for (let request = 0; request < 5; request++) expect((await get(polite)).status).not.toBe(429);
    for (let request = 0; request < 3; request++) expect((await get(ana)).status).not.toBe(429);
    expect((await get(ana)).status).toBe(429);
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
