import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serviceTokens } from "@agenda/db/schema";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { useTestDatabase } from "@agenda/testing/database";
import { eq } from "drizzle-orm";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "./auth";

const database = useTestDatabase();
const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

const claims = { email: "lea@example.test", name: "Léa", role: "learner", locale: "en", zoneinfo: "America/New_York" };

async function hs256(payload: Record<string, unknown>, secret = SECRET, expiresIn: string | number = "1h") {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).setSubject("platform-42").setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));
}

describe("platform session tokens (shared secret)", () => {
  const authenticator = createAuthenticator({ secret: SECRET });

  it("authenticates a valid token and provisions its user from the claims", async () => {
    const first = await authenticator.authenticate(database().db, `Bearer ${await hs256(claims)}`);
    expect(first).toMatchObject({ kind: "user", user: { platformUserId: "platform-42", email: "lea@example.test", role: "learner", locale: "en", timeZone: "America/New_York" } });
    const promoted = await authenticator.authenticate(database().db, `Bearer ${await hs256({ ...claims, role: "trainer" })}`);
    const userIdOf = (caller: typeof first) => (caller && typeof caller !== "string" && caller.kind === "user" ? caller.user.id : undefined);
    expect(promoted).toMatchObject({ kind: "user", user: { role: "trainer" } });
    expect(userIdOf(promoted)).toBe(userIdOf(first));
  });

  it("tells when the token expires, or that it never does when it has no exp", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(await authenticator.authenticate(database().db, `Bearer ${await hs256(claims, SECRET, exp)}`)).toMatchObject({ kind: "user", tokenExpiresAt: new Date(exp * 1000) });
    const endless = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject("platform-42").sign(new TextEncoder().encode(SECRET));
    expect(await authenticator.authenticate(database().db, `Bearer ${endless}`)).toMatchObject({ kind: "user", tokenExpiresAt: null });
  });

  it("refuses forged, expired, incomplete and malformed credentials, and lets anonymous requests through as anonymous", async () => {
    const { db } = database();
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, "another-secret-that-is-long-enough-too")}`)).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${await hs256(claims, SECRET, "-1m")}`)).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${await hs256({ name: "No email", role: "learner" })}`)).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(db, `Bearer ${await hs256({ ...claims, role: "superuser" })}`)).toBe("TOKEN_INVALID");
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
    expect(await authenticator.authenticate(db, `Bearer ${token}`)).toMatchObject({ kind: "service", serviceToken: { name: "catalogue", scopes: ["formations:write"] } });
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
    server = createServer((_, response) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    sign = (payload, issuer = "https://platform.example.test") =>
      new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: "platform-key" }).setSubject("platform-7").setIssuer(issuer).setAudience("agenda").setExpirationTime("1h").sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies tokens against the platform's keys, issuer and audience", async () => {
    const authenticator = createAuthenticator({ jwksUrl, issuer: "https://platform.example.test", audience: "agenda" });
    expect(await authenticator.authenticate(database().db, `Bearer ${await sign(claims)}`)).toMatchObject({ kind: "user", user: { platformUserId: "platform-7" } });
    expect(await authenticator.authenticate(database().db, `Bearer ${await sign(claims, "https://evil.example.test")}`)).toBe("TOKEN_INVALID");
    expect(await authenticator.authenticate(database().db, `Bearer ${await hs256(claims)}`)).toBe("TOKEN_INVALID");
  });
});
