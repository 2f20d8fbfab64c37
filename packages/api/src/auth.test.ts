import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serviceTokens } from "@agenda/db/schema";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { setUserDeactivated } from "@agenda/domain/users";
import type { Viewer } from "@agenda/domain/viewer";
import { useTestDatabase } from "@agenda/testing/database";
import { eq } from "drizzle-orm";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "./auth";

const database = useTestDatabase();
const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

const claims = { email: "lea@example.test", name: "Léa", role: "learner", locale: "en", zoneinfo: "America/New_York" };

async function hs256(payload: Record<string, unknown>, secret = SECRET, expiresIn: string | number = "1h") {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("platform-42")
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

describe("platform session tokens (shared secret)", () => {
  const authenticator = createAuthenticator({ secret: SECRET });

  it("authenticates a valid token and provisions its user from the claims", async () => {
    const first = await authenticator.authenticate(database().db, `Bearer ${await hs256(claims)}`);
    expect(first).toMatchObject({
      kind: "user",
      user: {
        platformUserId: "platform-42",
        email: "lea@example.test",
        role: "learner",
        locale: "en",
        timeZone: "America/New_York",
      },
    });
    const promoted = await authenticator.authenticate(
      database().db,
      `Bearer ${await hs256({ ...claims, role: "trainer" })}`,
    );
    const userIdOf = (caller: typeof first) =>
      caller && typeof caller !== "string" && caller.kind === "user" ? caller.user.id : undefined;
    expect(promoted).toMatchObject({ kind: "user", user: { role: "trainer" } });
    expect(userIdOf(promoted)).toBe(userIdOf(first));
  });

  it("tells when the token expires, and refuses a token without exp or living longer than the maximum", async () => {
    const { db } = database();
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, SECRET, exp)}`)).toMatchObject({
      kind: "user",
      tokenExpiresAt: new Date(exp * 1000),
    });
    const endless = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("platform-42")
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET));
    expect(await authenticator.authenticate(db, `Bearer ${endless}`)).toBe("SESSION_LIFETIME_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, SECRET, "25h")}`)).toBe(
      "SESSION_LIFETIME_INVALID",
    );
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, SECRET, "23h")}`)).toMatchObject({
      kind: "user",
    });
    // Without iat, the lifetime left is what counts.
    const noIat = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("platform-42")
      .setExpirationTime("30d")
      .sign(new TextEncoder().encode(SECRET));
    expect(await authenticator.authenticate(db, `Bearer ${noIat}`)).toBe("SESSION_LIFETIME_INVALID");
    const shortLived = createAuthenticator({ secret: SECRET, maxLifetimeSeconds: 600 });
    expect(await shortLived.authenticate(db, `Bearer ${await hs256(claims, SECRET, "1h")}`)).toBe(
      "SESSION_LIFETIME_INVALID",
    );
  });

  it("refuses forged, expired, incomplete and malformed credentials, and lets anonymous requests through as anonymous", async () => {
    const { db } = database();
    expect(
      await authenticator.authenticate(db, `Bearer ${await hs256(claims, "another-secret-that-is-long-enough-too")}`),
    ).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, SECRET, "-1m")}`)).toBe(
      "SESSION_EXPIRED",
    );
    expect(await authenticator.authenticate(db, `Bearer ${await hs256({ name: "No email", role: "learner" })}`)).toBe(
      "TOKEN_INVALID",
    );
    expect(await authenticator.authenticate(db, `Bearer ${await hs256({ ...claims, role: "superuser" })}`)).toBe(
      "TOKEN_INVALID",
    );
    expect(await authenticator.authenticate(db, "Bearer not.a.jwt")).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, "Basic dXNlcjpwYXNz")).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, undefined)).toBeNull();
  });
});

describe("service tokens", () => {
  const authenticator = createAuthenticator({ secret: SECRET });

  it("authenticate while active and stop at revocation", async () => {
    const { db } = database();
    const { token, serviceToken } = await createServiceToken(db, { name: "catalogue", scopes: ["formations:write"] });
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toMatchObject({
      kind: "service",
      serviceToken: { name: "catalogue", scopes: ["formations:write"] },
    });
    const [stored] = await db.select().from(serviceTokens).where(eq(serviceTokens.id, serviceToken.id));
    expect(stored?.tokenHash).not.toContain(token);

    await db.update(serviceTokens).set({ revokedAt: new Date() }).where(eq(serviceTokens.id, serviceToken.id));
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${token}x`)).toBe("TOKEN_INVALID");
  });
});

describe("platform session tokens (JWKS)", () => {
  let server: Server;
  let jwksUrl: string;
  let sign: (payload: Record<string, unknown>, issuer?: string) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "platform-key", alg: "RS256", use: "sig" };
    server = createServer((_, response) =>
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    sign = (payload, issuer = "https://platform.example.test") =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: "RS256", kid: "platform-key" })
        .setSubject("platform-7")
        .setIssuer(issuer)
        .setAudience("agenda")
        .setExpirationTime("1h")
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies tokens against the platform's keys, issuer and audience", async () => {
    const authenticator = createAuthenticator({ jwksUrl, issuer: "https://platform.example.test", audience: "agenda" });
    expect(await authenticator.authenticate(database().db, `Bearer ${await sign(claims)}`)).toMatchObject({
      kind: "user",
      user: { platformUserId: "platform-7" },
    });
    expect(
      await authenticator.authenticate(database().db, `Bearer ${await sign(claims, "https://evil.example.test")}`),
    ).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(database().db, `Bearer ${await hs256(claims)}`)).toBe("TOKEN_INVALID");
  });
});

describe("the platform's keys out of reach", () => {
  it("answer PLATFORM_KEYS_UNAVAILABLE (a 503 to retry), not a refusal of the token nor an internal error", async () => {
    const unreachable = createAuthenticator({ jwksUrl: "http://127.0.0.1:9/jwks" });
    expect(await unreachable.authenticate(database().db, `Bearer ${await hs256(claims)}`)).toBe(
      "PLATFORM_KEYS_UNAVAILABLE",
    );
  });
});

describe("crafted tokens", () => {
  const authenticator = createAuthenticator({ secret: SECRET });
  const base64url = (value: unknown) =>
    Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
  const unsigned = (header: unknown, payload: unknown, signature = "") =>
    `${base64url(header)}.${base64url(payload)}.${signature}`;
  const future = Math.floor(Date.now() / 1000) + 600;

  it("are refused with a code, never thrown: alg none, unknown algorithms and crit headers, broken parts, huge or odd claims", async () => {
    const { db } = database();
    const crafted = [
      unsigned({ alg: "none" }, { ...claims, sub: "x", exp: future }),
      unsigned({ alg: "HS512" }, { ...claims, sub: "x", exp: future }, "c2ln"),
      unsigned({ alg: "ES256" }, { ...claims, sub: "x", exp: future }, "c2ln"),
      unsigned({ alg: "HS256", crit: ["exp"], exp: 1 }, { ...claims, sub: "x", exp: future }, "c2ln"),
      unsigned({ alg: "HS256", b64: false, crit: ["b64"] }, { sub: "x" }, "c2ln"),
      unsigned("not json", "also not json", "!!"),
      unsigned({ alg: "HS256" }, [1, 2, 3], "c2ln"),
      unsigned({ alg: "HS256" }, { ...claims, sub: "x".repeat(10_000), exp: "tomorrow" }, "c2ln"),
      unsigned(
        { alg: "RS256", kid: "../../etc/passwd" },
        { tid: "t", oid: "o", scp: "access_as_user", exp: future },
        "c2ln",
      ),
      unsigned({ alg: "RS256" }, { tid: { nested: true }, oid: "o" }, "c2ln"),
      "a.b",
      "a.b.c.d.e",
      "....",
      "é.ü.ß",
      `${"A".repeat(9_000)}.${"B".repeat(9_000)}.${"C".repeat(9_000)}`,
    ];
    for (const token of crafted) {
      const result = await authenticator.authenticate(db, `Bearer ${token}`);
      expect(typeof result, token.slice(0, 80)).toBe("string");
      expect(result, token.slice(0, 80)).toMatch(
        /^(TOKEN_INVALID|SESSION_EXPIRED|SESSION_LIFETIME_INVALID|MICROSOFT_[A-Z_]+)$/,
      );
    }
  });
});

describe("a person the platform deactivated", () => {
  it("is refused through their session token until the platform reactivates them", async () => {
    const { db } = database();
    const authenticator = createAuthenticator({ secret: SECRET });
    const token = await new SignJWT({ ...claims, email: "gone@example.test" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("platform-gone")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toMatchObject({ kind: "user" });
    const { serviceToken } = await createServiceToken(db, { name: "hr", scopes: ["users:write"] });
    const platform: Viewer = {
      kind: "service",
      serviceTokenId: serviceToken.id,
      serviceName: serviceToken.name,
      scopes: serviceToken.scopes,
    };
    await setUserDeactivated(db, platform, "platform-gone", true);
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toBe("USER_DEACTIVATED");
    await setUserDeactivated(db, platform, "platform-gone", false);
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toMatchObject({ kind: "user" });
  });
});
