import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createAuthenticator, createMicrosoftTokenVerifier } from "@agenda/api";
import { users } from "@agenda/db/schema";
import { upsertFormation, upsertFormationInput } from "@agenda/domain/formations";
import { createServiceToken } from "@agenda/domain/service-tokens";
import { ensureUser } from "@agenda/domain/users";
import { eq } from "drizzle-orm";
import { SigningKeys, signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import type { Sync } from "@agenda/sync";
import { connectTestUser, testOutlookServices } from "@agenda/sync/testing/connect";
import { startQueueOnlySync } from "@agenda/sync/testing/sync";
import { useTestDatabase } from "@agenda/testing/database";
import { TEST_APP, TEST_REDIRECT_URI, useSandbox } from "@agenda/testing/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addinAuthSettings } from "./addin-auth";
import { createApp } from "./app";
import { parseEnv } from "./env";

const database = useTestDatabase();
const sandbox = useSandbox([
  { userPrincipalName: "lea@contoso.test", displayName: "Léa" },
  { userPrincipalName: "stranger@contoso.test", displayName: "Stranger" },
]);
const API_SCOPE = `api://${TEST_APP.clientId}/access_as_user`;

let server: ServerType;
let origin: string;
let leaUserId: string;

/** An access token for the product's API as the sandbox's token endpoint issues it after a real sign-in. */
async function sandboxApiToken(userPrincipalName: string): Promise<string> {
  const url = new URL(`${sandbox().authority()}/oauth2/v2.0/authorize`);
  for (const [name, value] of Object.entries({
    client_id: TEST_APP.clientId,
    response_type: "code",
    redirect_uri: TEST_REDIRECT_URI,
    scope: `${API_SCOPE} openid profile`,
  })) {
    url.searchParams.set(name, value);
  }
  const { response } = await signInThroughAuthorizePage(url.toString(), { userPrincipalName });
  const answer = await fetch(`${sandbox().authority()}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: TEST_APP.clientId,
      client_secret: TEST_APP.secrets[0] ?? "",
      code: response.get("code") ?? "",
      redirect_uri: TEST_REDIRECT_URI,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** A token with the claims of a valid one for Léa, changed as given, signed by the sandbox's key unless told. */
async function forgedToken(
  changes: Record<string, unknown>,
  options: { lifetimeSeconds?: number; keys?: SigningKeys } = {},
): Promise<string> {
  const lea = sandbox().directory.findByUserPrincipalName("lea@contoso.test");
  if (!lea) throw new Error("no Léa in the sandbox");
  const claims = {
    aud: TEST_APP.clientId,
    iss: `${sandbox().url}/${lea.tenantId}/v2.0`,
    ver: "2.0",
    oid: lea.id,
    tid: lea.tenantId,
    azp: TEST_APP.clientId,
    scp: "access_as_user",
    ...changes,
  };
  return (options.keys ?? sandbox().signing).sign(claims, options.lifetimeSeconds ?? 600);
}

type Answer = {
  status: number;
  body: { result?: { data: unknown }; error?: { message: string; data: { appCode: string } } };
};

async function call(path: string, token: string, locale: "fr" | "en" = "en"): Promise<Answer> {
  const response = await fetch(`${origin}/trpc/${path}`, {
    headers: { authorization: `Bearer ${token}`, "x-agenda-locale": locale },
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function mutate(path: string, token: string, input: unknown): Promise<Answer> {
  const response = await fetch(`${origin}/trpc/${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-agenda-locale": "en" },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as never };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

let sync: Sync | undefined;

beforeAll(async () => {
  const { db } = database();
  const outlook = testOutlookServices(db, sandbox());
  sync = await startQueueOnlySync(outlook, database().url);
  const verifier = createMicrosoftTokenVerifier(
    addinAuthSettings({ clientId: TEST_APP.clientId, tenant: "common", authorityHost: sandbox().url }),
  );
  const app = createApp({
    db,
    authenticator: createAuthenticator({ secret: "addin-auth-test-secret-long-enough-for-hs256" }, verifier),
    demo: null,
    outlook,
    sync,
  });
  const { user } = await connectTestUser(outlook, { name: "Léa", mailbox: "lea@contoso.test" });
  leaUserId = user.id;
  await upsertFormation(
    db,
    { kind: "service", serviceTokenId: "test", serviceName: "test", scopes: ["formations:write"] },
    upsertFormationInput.parse({
      externalId: "addin-auth-1",
      title: "Sécurité au travail",
      timeZone: "Europe/Paris",
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      learners: [{ platformUserId: user.platformUserId, email: user.email, name: user.name }],
    }),
  );
  server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await sync?.stop(1_000);
});

describe("Microsoft access tokens for the product's API (the Outlook add-in's)", () => {
  it("let a sandbox-issued token reach me and sync.formations as the user who connected that account", async () => {
    const token = await sandboxApiToken("lea@contoso.test");
    const me = await call("me", token);
    expect(me).toMatchObject({
      status: 200,
      body: { result: { data: { kind: "user", id: leaUserId, email: "lea@contoso.test" } } },
    });
    const formations = await call("sync.formations", token);
    expect(formations.status).toBe(200);
    expect(formations.body.result?.data).toEqual([expect.objectContaining({ title: "Sécurité au travail" })]);
  });

  it.each([
    [
      "a wrong audience",
      () => forgedToken({ aud: "api://00000000-0000-0000-0000-000000000000" }),
      "MICROSOFT_TOKEN_AUDIENCE",
      /another application/,
      /autre application/,
    ],
    [
      "a wrong issuer",
      () => forgedToken({ iss: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0" }),
      "MICROSOFT_TOKEN_ISSUER",
      /unexpected issuer/,
      /émetteur inattendu/,
    ],
    [
      "an expired token",
      () => forgedToken({}, { lifetimeSeconds: -120 }),
      "MICROSOFT_TOKEN_EXPIRED",
      /Expired/,
      /expiré/,
    ],
    [
      "another key's signature",
      async () => forgedToken({}, { keys: await SigningKeys.generate() }),
      "MICROSOFT_TOKEN_SIGNATURE",
      /signature/,
      /signature/,
    ],
    [
      "a token without access_as_user",
      () => forgedToken({ scp: "User.Read" }),
      "MICROSOFT_TOKEN_SCOPE",
      /access_as_user/,
      /access_as_user/,
    ],
  ])("refuse %s with 401 saying why, in English and French", async (_case, token, appCode, english, french) => {
    const forged = await token();
    const en = await call("me", forged, "en");
    expect(en.status).toBe(401);
    expect(en.body.error?.data.appCode).toBe(appCode);
    expect(en.body.error?.message).toMatch(english);
    expect((await call("me", forged, "fr")).body.error?.message).toMatch(french);
  });

  it("refuse a valid token for a Microsoft account no one connected, with MICROSOFT_ACCOUNT_UNKNOWN", async () => {
    const answer = await call("sync.formations", await sandboxApiToken("stranger@contoso.test"));
    expect(answer.status).toBe(401);
    expect(answer.body.error?.data.appCode).toBe("MICROSOFT_ACCOUNT_UNKNOWN");
    expect(answer.body.error?.message).toMatch(/connect Outlook/);
  });
});

describe("what a Microsoft token may do", () => {
  it("is what the user's latest platform sign-in allows: no API input makes them admin", async () => {
    const { db } = database();
    const lea = (await db.select().from(users).where(eq(users.id, leaUserId)))[0];
    if (!lea) throw new Error("no Léa");
    // The platform signs Léa in as a trainer: her add-in token acts as a trainer from then on.
    await ensureUser(db, { platformUserId: lea.platformUserId, email: lea.email, name: lea.name, role: "trainer" });
    const token = await sandboxApiToken("lea@contoso.test");
    const escalation = await mutate("formations.upsert", token, {
      title: "Escalade",
      startsAt: "2026-12-20T09:00:00+01:00",
      endsAt: "2026-12-20T10:00:00+01:00",
      timeZone: "Europe/Paris",
      trainer: { platformUserId: lea.platformUserId, email: lea.email, name: lea.name, role: "admin" },
    });
    expect(escalation.status).toBe(400);
    expect(escalation.body.error?.data.appCode).toBe("INVALID_INPUT");
    expect(escalation.body.error?.message).toMatch(/role comes from their platform sign-in/);
    expect((await db.select({ role: users.role }).from(users).where(eq(users.id, leaUserId)))[0]?.role).toBe("trainer");
    expect((await call("integrations.all", token)).body.error?.data.appCode).toBe("ADMIN_ONLY");

    const { token: catalogue } = await createServiceToken(db, { name: "catalogue", scopes: ["formations:write"] });
    const promotion = await mutate("formations.upsert", catalogue, {
      title: "Promotion",
      startsAt: "2026-12-21T09:00:00+01:00",
      endsAt: "2026-12-21T10:00:00+01:00",
      timeZone: "Europe/Paris",
      learners: [{ platformUserId: lea.platformUserId, email: lea.email, name: lea.name, role: "admin" }],
    });
    expect(promotion.status).toBe(400);
    expect((await db.select({ role: users.role }).from(users).where(eq(users.id, leaUserId)))[0]?.role).toBe("trainer");
  });

  it("stops when the platform deactivates its user, and works again once it reactivates them", async () => {
    const { db } = database();
    const token = await sandboxApiToken("lea@contoso.test");
    const lea = (await db.select().from(users).where(eq(users.id, leaUserId)))[0];
    const { token: hr } = await createServiceToken(db, { name: "hr", scopes: ["users:write"] });
    expect((await mutate("users.deactivate", hr, { platformUserId: lea?.platformUserId })).status).toBe(200);
    const refused = await call("me", token);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data.appCode).toBe("USER_DEACTIVATED");
    expect((await mutate("users.reactivate", hr, { platformUserId: lea?.platformUserId })).status).toBe(200);
    expect((await call("me", token)).status).toBe(200);
  });

  it("is refused with a 401 and its code when crafted, never a 500", async () => {
    const lea = sandbox().directory.findByUserPrincipalName("lea@contoso.test");
    const valid = await sandboxApiToken("lea@contoso.test");
    const [header, payload] = valid.split(".");
    const claims = {
      tid: lea?.tenantId,
      oid: lea?.id,
      scp: "access_as_user",
      aud: TEST_APP.clientId,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const kid = (JSON.parse(Buffer.from(header ?? "", "base64url").toString()) as { kid: string }).kid;
    const crafted = [
      `${base64url({ alg: "none" })}.${base64url(claims)}.`,
      `${base64url({ alg: "HS256", kid })}.${base64url(claims)}.c2ln`,
      `${base64url({ alg: "RS256", kid, crit: ["agenda"], agenda: 1 })}.${payload}.c2ln`,
      `${base64url({ alg: "RS256", kid: "no-such-key" })}.${payload}.c2ln`,
      `${base64url({ alg: "RS256", kid, jku: "http://169.254.169.254/keys" })}.${payload}.c2ln`,
      `${base64url({ alg: "RS256", kid })}.${base64url({ ...claims, exp: "soon" })}.c2ln`,
      `${base64url({ alg: "RS256", kid })}.${base64url({ ...claims, tid: "../../other-tenant" })}.c2ln`,
      `${header}.${payload}.${"A".repeat(4000)}`,
    ];
    for (const token of crafted) {
      const answer = await call("me", token);
      expect(answer.status, token.slice(0, 60)).toBe(401);
      expect(answer.body.error?.data.appCode, token.slice(0, 60)).toMatch(/^(TOKEN_INVALID|MICROSOFT_TOKEN_[A-Z]+)$/);
    }
  });

  it("answers 503 OUTLOOK_UNAVAILABLE, not a 500, when Microsoft's keys cannot be fetched", async () => {
    const { db } = database();
    const unreachable = createMicrosoftTokenVerifier(
      addinAuthSettings({ clientId: TEST_APP.clientId, tenant: "common", authorityHost: "https://127.0.0.1:9" }),
    );
    const app = createApp({
      db,
      authenticator: createAuthenticator({ secret: "addin-auth-test-secret-long-enough-for-hs256" }, unreachable),
      demo: null,
      outlook: null,
      sync: null,
    });
    const answer = await app.request("/api/me", {
      headers: { authorization: `Bearer ${await sandboxApiToken("lea@contoso.test")}`, "accept-language": "en" },
    });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({
      error: { code: "OUTLOOK_UNAVAILABLE", message: expect.stringMatching(/Microsoft/) },
    });
  });
});

describe("addinAuthSettings", () => {
  it("asks for access_as_user under api://<client id> by default, or under OUTLOOK_API_AUDIENCE, and accepts both audiences", () => {
    const azure = {
      clientId: "11111111-2222-3333-4444-555555555555",
      tenant: "organizations",
      authorityHost: "https://login.microsoftonline.com",
    };
    expect(addinAuthSettings(azure)).toEqual({
      clientId: azure.clientId,
      authority: "https://login.microsoftonline.com/organizations",
      apiScope: `api://${azure.clientId}/access_as_user`,
      audiences: [azure.clientId, `api://${azure.clientId}`],
    });
    const custom = addinAuthSettings({
      ...azure,
      applicationIdUri: "api://agenda.example.com/11111111-2222-3333-4444-555555555555",
    });
    expect(custom.apiScope).toBe("api://agenda.example.com/11111111-2222-3333-4444-555555555555/access_as_user");
    expect(custom.audiences).toEqual([azure.clientId, "api://agenda.example.com/11111111-2222-3333-4444-555555555555"]);
    expect(() => parseEnv({ OUTLOOK_API_AUDIENCE: "agenda" })).toThrow(
      /OUTLOOK_API_AUDIENCE: must be an Application ID URI/,
    );
  });
});
