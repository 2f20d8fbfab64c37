import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryUser } from "../directory";
import { type Sandbox, startSandbox } from "../sandbox";
import { REDIRECT_URI } from "../test-support";
import { DEMO_CLIENT, signInThroughAuthorizePage } from "./index";

let sandbox: Sandbox;
let adele: DirectoryUser;
const SECRET = DEMO_CLIENT.secrets[0]!;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function authorizeUrl(params: Record<string, string>, tenant = "common"): string {
  const url = new URL(`${sandbox.url}/${tenant}/oauth2/v2.0/authorize`);
  const defaults = {
    client_id: DEMO_CLIENT.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid profile offline_access Calendars.ReadWrite",
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(name, value);
  return url.toString();
}

async function codeFor(params: Record<string, string> = {}, user = adele.userPrincipalName): Promise<string> {
  const { response } = await signInThroughAuthorizePage(authorizeUrl(params), { userPrincipalName: user });
  const code = response.get("code");
  if (!code) throw new Error(response.toString());
  return code;
}

async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${sandbox.url}/common/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const redeem = (code: string, extra: Record<string, string> = {}) =>
  tokenRequest({
    grant_type: "authorization_code",
    client_id: DEMO_CLIENT.clientId,
    client_secret: SECRET,
    code,
    redirect_uri: REDIRECT_URI,
    ...extra,
  });

const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
  tokenRequest({
    grant_type: "refresh_token",
    client_id: DEMO_CLIENT.clientId,
    client_secret: SECRET,
    refresh_token: refreshToken,
    ...extra,
  });

async function patchSettings(settings: Record<string, unknown>): Promise<Response> {
  return fetch(`${sandbox.url}/admin/api/identity/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({
    users: [{ userPrincipalName: "adele.vance@contoso.example", displayName: "Adele Vance" }],
  });
  adele = sandbox.directory.findByUserPrincipalName("adele.vance@contoso.example")!;
});

afterAll(async () => {
  await sandbox.stop();
});

describe("token endpoint", () => {
  it("shapes errors like Microsoft, echoing the client-request-id as correlation id", async () => {
    const correlation = crypto.randomUUID();
    const { status, headers, body } = await tokenRequest(
      { grant_type: "authorization_code", client_id: "11111111-2222-3333-4444-555555555555", code: "x" },
      { "client-request-id": correlation },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "unauthorized_client",
      error_codes: [700016],
      correlation_id: correlation,
      error_uri: "https://login.microsoftonline.com/error?code=700016",
    });
    expect(body.trace_id).toMatch(UUID);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.error_description).toBe(
      `AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' was not found in the directory 'common'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. Trace ID: ${String(body.trace_id)} Correlation ID: ${correlation} Timestamp: ${String(body.timestamp)}`,
    );
    expect(headers.get("client-request-id")).toBe(correlation);
    expect(headers.get("request-id")).toMatch(UUID);
    expect(headers.get("cache-control")).toContain("no-store");
  });

  it("requires the client secret of a confidential client (401 invalid_client AADSTS7000218)", async () => {
    const code = await codeFor();
    const { status, body } = await tokenRequest({
      grant_type: "authorization_code",
      client_id: DEMO_CLIENT.clientId,
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000218] });
  });

  it("accepts client credentials sent with HTTP Basic and rejects a wrong Basic secret with 7000215", async () => {
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${encodeURIComponent(DEMO_CLIENT.clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    const code = await codeFor();
    const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
    const wrong = await tokenRequest(form, { authorization: basic("wrong") });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    const right = await tokenRequest(form, { authorization: basic(SECRET) });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
  });

  it("returns refresh_token only with offline_access, id_token only with openid, client_info only when asked", async () => {
    const bare = await redeem(await codeFor({ scope: "Calendars.ReadWrite" }));
    expect(bare.status).toBe(200);
    expect(Object.keys(bare.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "ext_expires_in",
      "scope",
      "token_type",
    ]);
    expect(bare.body.scope).toBe("Calendars.ReadWrite");

    const full = await redeem(
      await codeFor({ scope: "openid profile email offline_access https://graph.microsoft.com/User.Read" }),
      {
        client_info: "1",
      },
    );
    expect(full.body).toMatchObject({ scope: "User.Read openid profile email" });
    expect(full.body.refresh_token).toEqual(expect.any(String));
    expect(decodeJwt(String(full.body.id_token))).toMatchObject({ email: adele.mail, oid: adele.id });
    expect(JSON.parse(Buffer.from(String(full.body.client_info), "base64url").toString())).toEqual({
      uid: adele.id,
      utid: adele.tenantId,
    });
  });

  it("grants the app's configured permissions for https://graph.microsoft.com/.default", async () => {
    const { body } = await redeem(await codeFor({ scope: "https://graph.microsoft.com/.default offline_access" }));
    expect(String(body.scope).split(" ").sort()).toEqual([...DEMO_CLIENT.permissions].sort());
  });

  it("supports PKCE with the plain method, and codes with no PKCE at all for a confidential client", async () => {
    const verifier = "plain-verifier-".padEnd(50, "x");
    const pkceCode = await codeFor({ code_challenge: verifier, code_challenge_method: "plain" });
    expect((await redeem(pkceCode, { code_verifier: "wrong".padEnd(50, "y") })).body).toMatchObject({
      error_codes: [501481],
    });
    expect((await redeem(await codeFor({ code_challenge: verifier }), { code_verifier: verifier })).status).toBe(200);
    expect((await redeem(await codeFor())).status).toBe(200);
  });

  it("verifies S256 against the SHA-256 of the verifier", async () => {
    const verifier = "s256-verifier-".padEnd(64, "z");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const code = await codeFor({ code_challenge: challenge, code_challenge_method: "S256" });
    expect((await redeem(code, { code_verifier: verifier })).status).toBe(200);
  });

  it("lets codes expire (AADSTS70008) and refresh tokens die of inactivity (AADSTS700082)", async () => {
    const idleRefreshToken = String((await redeem(await codeFor())).body.refresh_token);
    expect(
      (await patchSettings({ authorizationCodeLifetimeSeconds: 1, refreshTokenInactivitySeconds: 1 })).status,
    ).toBe(200);
    try {
      const code = await codeFor();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await redeem(code)).body).toMatchObject({ error: "invalid_grant", error_codes: [70008] });
      const idle = await refresh(idleRefreshToken);
      expect(idle.body).toMatchObject({ error: "invalid_grant", error_codes: [700082], suberror: "bad_token" });
      expect(String(idle.body.error_description)).toMatch(/was inactive for 0\.00:00:01\./);
    } finally {
      await patchSettings({ authorizationCodeLifetimeSeconds: 600, refreshTokenInactivitySeconds: 7_776_000 });
    }
  });

  it("issues a new refresh token at every use and keeps the old ones valid, unless strict rotation is on", async () => {
    const first = (await redeem(await codeFor())).body;
    const firstRefresh = String(first.refresh_token);
    const second = (await refresh(firstRefresh)).body;
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(firstRefresh);
    expect((await refresh(firstRefresh)).body.access_token).toEqual(expect.any(String));

    expect((await patchSettings({ strictRefreshTokenRotation: true })).status).toBe(200);
    try {
      const reused = await refresh(firstRefresh);
      expect(reused.status).toBe(400);
      expect(reused.body).toMatchObject({ error: "invalid_grant", error_codes: [70008] });
      const latest = String(second.refresh_token);
      expect((await refresh(latest)).status).toBe(200);
    } finally {
      await patchSettings({ strictRefreshTokenRotation: false });
    }
  });

  it("refuses refresh scopes the user never consented to (AADSTS65001) and unknown refresh tokens", async () => {
    const { body } = await redeem(await codeFor({ scope: "offline_access User.Read" }));
    const widened = await refresh(String(body.refresh_token), { scope: "Calendars.ReadWrite offline_access" });
    expect(widened.body).toMatchObject({ error: "invalid_grant", error_codes: [65001], suberror: "consent_required" });
    const narrowed = await refresh(String(body.refresh_token), { scope: "User.Read" });
    expect(narrowed.body).toMatchObject({ scope: "User.Read" });
    expect((await refresh("garbage")).body).toMatchObject({ error: "invalid_grant", error_codes: [9002313] });
  });

  it("answers missing parameters and unknown grant types with Microsoft's codes", async () => {
    expect((await tokenRequest({ client_id: DEMO_CLIENT.clientId })).body).toMatchObject({
      error: "invalid_request",
      error_codes: [900144],
    });
    expect(
      (await tokenRequest({ grant_type: "password", client_id: DEMO_CLIENT.clientId, client_secret: SECRET })).body,
    ).toMatchObject({ error: "unsupported_grant_type", error_codes: [70003] });
  });
});

describe("authorize endpoint", () => {
  async function open(params: Record<string, string>, tenant?: string) {
    const response = await fetch(authorizeUrl(params, tenant), { redirect: "manual" });
    return { status: response.status, location: response.headers.get("location"), page: await response.text() };
  }

  it("shows an error page, never a redirect, for an unknown app or an unregistered redirect URI", async () => {
    const unknownApp = await open({ client_id: "11111111-2222-3333-4444-555555555555" });
    expect(unknownApp.status).toBe(400);
    expect(unknownApp.page).toContain("AADSTS700016");
    const foreignRedirect = await open({ redirect_uri: "https://evil.example/callback" });
    expect(foreignRedirect.status).toBe(400);
    expect(foreignRedirect.location).toBeNull();
    expect(foreignRedirect.page).toContain("AADSTS50011");
  });

  it("redirects request errors to the app with the state", async () => {
    const foreignResource = await open({ scope: "api://other-app/read", state: "s1" });
    const url = new URL(foreignResource.location!);
    expect(url.searchParams.get("error")).toBe("invalid_resource");
    expect(url.searchParams.get("error_description")).toMatch(/^AADSTS500011: /);
    expect(url.searchParams.get("state")).toBe("s1");

    const silent = new URL((await open({ prompt: "none", state: "s2" })).location!);
    expect(silent.searchParams.get("error")).toBe("login_required");
  });

  it("lists the mailboxes with the login_hint user preselected, and keeps the request in the form", async () => {
    const { status, page } = await open({ login_hint: adele.userPrincipalName, state: "keep-me" });
    expect(status).toBe(200);
    expect(page).toContain(`value="${adele.id}" checked`);
    expect(page).toContain('<input type="hidden" name="state" value="keep-me">');
    expect(page).toContain("Have full access to your calendars");
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain('<label for="login">');
  });

  it("sends the user back with access_denied when they cancel", async () => {
    const { redirectUri, response } = await signInThroughAuthorizePage(authorizeUrl({ state: "s3" }), {
      userPrincipalName: adele.userPrincipalName,
      decision: "cancel",
    });
    expect(redirectUri).toBe(REDIRECT_URI);
    expect(response.get("error")).toBe("access_denied");
    expect(response.get("error_subcode")).toBe("cancel");
    expect(response.get("error_description")).toMatch(/^AADSTS65004: /);
    expect(response.get("state")).toBe("s3");
  });

  it("shows the page again with an alert for a username it does not know", async () => {
    await expect(
      signInThroughAuthorizePage(authorizeUrl({}), { userPrincipalName: "nobody@contoso.example" }),
    ).rejects.toThrow("This username may be incorrect");
  });

  it("honours response_mode fragment and form_post", async () => {
    // A first interactive sign-in consents, so that the prompt=none requests below get straight back with a code.
    await codeFor();
    const viaFragment = await fetch(
      authorizeUrl({ response_mode: "fragment", prompt: "none", login_hint: adele.userPrincipalName, state: "f" }),
      { redirect: "manual" },
    );
    const location = new URL(viaFragment.headers.get("location")!);
    expect(location.search).toBe("");
    const fields = new URLSearchParams(location.hash.slice(1));
    expect(fields.get("code")).toBeTruthy();
    expect(fields.get("state")).toBe("f");

    const viaForm = await signInThroughAuthorizePage(
      authorizeUrl({ response_mode: "form_post", prompt: "none", login_hint: adele.userPrincipalName, state: "p" }),
      { userPrincipalName: adele.userPrincipalName },
    );
    expect(viaForm.redirectUri).toBe(REDIRECT_URI);
    expect(viaForm.response.get("code")).toBeTruthy();
    expect(viaForm.response.get("state")).toBe("p");
  });

  it("lets a tenant path admit only its own users", async () => {
    const fabrikam = sandbox.directory.add({
      userPrincipalName: "diego@fabrikam.example",
      tenantId: "b5c3f1a0-1111-4222-8333-944445555666",
    });
    const page = (await open({}, fabrikam.tenantId)).page;
    expect(page).toContain(fabrikam.userPrincipalName);
    expect(page).not.toContain(adele.userPrincipalName);
    await expect(
      signInThroughAuthorizePage(authorizeUrl({}, fabrikam.tenantId), { userPrincipalName: adele.userPrincipalName }),
    ).rejects.toThrow("AADSTS50020");
  });
});

describe("logout endpoint", () => {
  it("returns to a registered post_logout_redirect_uri only", async () => {
    const logout = (target: string) =>
      fetch(`${sandbox.url}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(target)}`, {
        redirect: "manual",
      });
    const registered = await logout(REDIRECT_URI);
    expect(registered.status).toBe(302);
    expect(registered.headers.get("location")).toBe(REDIRECT_URI);
    const foreign = await logout("https://evil.example/");
    expect(foreign.status).toBe(200);
    expect(await foreign.text()).toContain("You signed out of your account");
  });
});

describe("identity admin API", () => {
  it("adds users in bulk through the shared directory and lists them", async () => {
    const created = await fetch(`${sandbox.url}/admin/api/identity/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { userPrincipalName: "nestor@contoso.example" },
        { userPrincipalName: "patti@contoso.example", displayName: "Patti" },
      ]),
    });
    expect(created.status).toBe(201);
    expect(sandbox.directory.findByUserPrincipalName("patti@contoso.example")?.displayName).toBe("Patti");
    const listed = (await (await fetch(`${sandbox.url}/admin/api/identity/users`)).json()) as {
      value: DirectoryUser[];
    };
    expect(listed.value.map((user) => user.userPrincipalName)).toContain("nestor@contoso.example");
  });

  it("lists grants with their live refresh tokens, and revoking drops the consent", async () => {
    const user = sandbox.directory.add({ userPrincipalName: "isaiah@contoso.example" });
    await redeem(await codeFor({}, user.userPrincipalName));
    type Grant = { userId: string; clientId: string; scopes: string[]; liveRefreshTokens: number };
    const grants = async () =>
      ((await (await fetch(`${sandbox.url}/admin/api/identity/grants`)).json()) as { value: Grant[] }).value.filter(
        (grant) => grant.userId === user.id,
      );
    expect(await grants()).toEqual([
      expect.objectContaining({
        clientId: DEMO_CLIENT.clientId,
        liveRefreshTokens: 1,
        scopes: expect.arrayContaining(["Calendars.ReadWrite"]),
      }),
    ]);
    const revoked = await fetch(`${sandbox.url}/admin/api/identity/grants/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: user.userPrincipalName }),
    });
    expect(await revoked.json()).toMatchObject({ revokedConsents: 1, revokedRefreshTokens: 1 });
    expect(await grants()).toEqual([]);
  });

  it("forgets every grant and refresh token on reset, keeping the users", async () => {
    const { body } = await redeem(await codeFor());
    const reset = await fetch(`${sandbox.url}/admin/api/identity/reset`, { method: "POST" });
    expect(reset.status).toBe(204);
    expect(sandbox.identity.grants.consents()).toEqual([]);
    expect((await refresh(String(body.refresh_token))).body).toMatchObject({ error_codes: [9002313] });
    expect(sandbox.directory.find(adele.id)).toBeDefined();
  });

  it("rejects invalid input with a 4xx and a Graph-style error body", async () => {
    const badSetting = await patchSettings({ accessTokenLifetimeSeconds: -5 });
    expect(badSetting.status).toBe(400);
    expect(await badSetting.json()).toMatchObject({ error: { code: "invalidRequest" } });
    const unknownField = await patchSettings({ tokenLifetime: 5 });
    expect(unknownField.status).toBe(400);
    const notJson = await fetch(`${sandbox.url}/admin/api/identity/grants/revoke`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    const noSuchUser = await fetch(`${sandbox.url}/admin/api/identity/refresh-tokens/expire`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "ghost@contoso.example" }),
    });
    expect(noSuchUser.status).toBe(404);
  });
});

describe("access tokens for an app's own API (api://<clientId>/access_as_user)", () => {
  const apiScope = `api://${DEMO_CLIENT.clientId}/access_as_user`;

  it("issues a v2.0 token for the API: aud the client id, v2 issuer, scp access_as_user, refreshable", async () => {
    const { status, body } = await redeem(await codeFor({ scope: `${apiScope} openid profile offline_access` }));
    expect(status).toBe(200);
    expect(body.scope).toBe(`${apiScope} openid profile`);
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toMatchObject({
      aud: DEMO_CLIENT.clientId,
      iss: `${sandbox.url}/${adele.tenantId}/v2.0`,
      ver: "2.0",
      scp: "access_as_user",
      azp: DEMO_CLIENT.clientId,
      oid: adele.id,
      tid: adele.tenantId,
      preferred_username: adele.userPrincipalName,
    });
    const refreshed = await refresh(body.refresh_token as string, { scope: apiScope });
    expect(decodeJwt(refreshed.body.access_token as string)).toMatchObject({
      aud: DEMO_CLIENT.clientId,
      scp: "access_as_user",
    });
    const graphFromApiGrant = await refresh(body.refresh_token as string, { scope: "Calendars.ReadWrite" });
    expect(graphFromApiGrant.body).toMatchObject({ error: "invalid_grant", suberror: "consent_required" });
  });

  it("refuses an unknown API, an unknown scope of a known one, and two resources in one request", async () => {
    const refused = async (scope: string) => {
      const { response } = await signInThroughAuthorizePage(authorizeUrl({ scope }), {
        userPrincipalName: adele.userPrincipalName,
      });
      return [response.get("error"), response.get("error_description")?.slice(0, 13)];
    };
    expect(await refused("api://00000000-0000-0000-0000-000000000000/access_as_user")).toEqual([
      "invalid_resource",
      "AADSTS500011:",
    ]);
    expect(await refused(`api://${DEMO_CLIENT.clientId}/Formations.ReadWrite`)).toEqual([
      "invalid_scope",
      "AADSTS650053:",
    ]);
    expect(await refused(`${apiScope} Calendars.ReadWrite`)).toEqual(["invalid_request", "AADSTS28000: "]);
  });
});
