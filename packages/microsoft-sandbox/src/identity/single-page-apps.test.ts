import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../sandbox";
import { AadstsError } from "./errors";
import { DEFAULT_IDENTITY_SETTINGS, GrantStore, SPA_REFRESH_TOKEN_LIFETIME_SECONDS } from "./grants";
import { type RegisteredClient, signInThroughAuthorizePage } from "./index";

/** An app with both platforms, as the Outlook add-in's: a web callback for the server, an SPA page for the browser. */
const APP: RegisteredClient = {
  clientId: "6f2b7c1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
  displayName: "Agenda (SPA test)",
  secrets: ["spa-test-secret"],
  redirectUris: ["http://127.0.0.1/calendar/callback/outlook"],
  spaRedirectUris: ["http://127.0.0.1/addin/sign-in.html"],
  permissions: ["User.Read"],
};
const PANE_ORIGIN = "http://127.0.0.1:3000";
const SPA_REDIRECT = `${PANE_ORIGIN}/addin/sign-in.html`;
const WEB_REDIRECT = `${PANE_ORIGIN}/calendar/callback/outlook`;
const SCOPE = `api://${APP.clientId}/access_as_user openid profile offline_access`;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    users: [{ userPrincipalName: "lea@contoso.example", displayName: "Léa" }],
    identity: { clients: [APP] },
  });
});
afterAll(() => sandbox.stop());

/** A sign-in on the sandbox's page for `redirectUri`, with an S256 PKCE challenge unless told. */
async function signIn(redirectUri: string, pkce = true): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${sandbox.url}/common/oauth2/v2.0/authorize`);
  const params: Record<string, string> = {
    client_id: APP.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: SCOPE,
    response_mode: "fragment",
  };
  if (pkce)
    Object.assign(params, {
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
    });
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const { response } = await signInThroughAuthorizePage(url.toString(), { userPrincipalName: "lea@contoso.example" });
  return { code: response.get("code") ?? "", verifier };
}

/** The token endpoint as a browser on the pane's origin calls it (an `Origin`), or as a server does (none). */
async function token(form: Record<string, string>, origin?: string) {
  const response = await fetch(`${sandbox.url}/common/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8", ...(origin ? { origin } : {}) },
    body: new URLSearchParams({ client_id: APP.clientId, ...form }),
  });
  return {
    status: response.status,
    allowOrigin: response.headers.get("access-control-allow-origin"),
    body: (await response.json()) as Record<string, string>,
  };
}

describe("single-page applications (SPA redirect URIs)", () => {
  it("redeem their code in the browser, cross-origin, with PKCE and no secret, then refresh the same way", async () => {
    const { code, verifier } = await signIn(SPA_REDIRECT);
    const redeemed = await token(
      { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: SPA_REDIRECT },
      PANE_ORIGIN,
    );
    expect(redeemed).toMatchObject({
      status: 200,
      allowOrigin: PANE_ORIGIN,
      body: { token_type: "Bearer", scope: expect.stringContaining("access_as_user") },
    });
    const refreshed = await token(
      { grant_type: "refresh_token", refresh_token: redeemed.body.refresh_token ?? "" },
      PANE_ORIGIN,
    );
    expect(refreshed).toMatchObject({ status: 200, allowOrigin: PANE_ORIGIN });
    const fromServer = await token({
      grant_type: "refresh_token",
      refresh_token: refreshed.body.refresh_token ?? "",
      client_secret: APP.secrets[0] ?? "",
    });
    expect(fromServer.body.error_description).toMatch(
      /^AADSTS9002327: Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests\./,
    );
  });

  it("refuse a server-side redemption of an SPA code, even with the secret (AADSTS9002327)", async () => {
    const { code, verifier } = await signIn(SPA_REDIRECT);
    const answer = await token({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: SPA_REDIRECT,
      client_secret: APP.secrets[0] ?? "",
    });
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request", error_codes: [9002327] } });
  });

  it("refuse a cross-origin redemption without PKCE (AADSTS9002325)", async () => {
    const { code } = await signIn(SPA_REDIRECT, false);
    const answer = await token({ grant_type: "authorization_code", code, redirect_uri: SPA_REDIRECT }, PANE_ORIGIN);
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request", error_codes: [9002325] } });
  });

  it("refuse a browser redeeming a web redirect URI's code, readably (AADSTS9002326)", async () => {
    const { code, verifier } = await signIn(WEB_REDIRECT);
    const answer = await token(
      { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: WEB_REDIRECT },
      PANE_ORIGIN,
    );
    expect(answer).toMatchObject({
      status: 400,
      allowOrigin: PANE_ORIGIN,
      body: { error: "invalid_request", error_codes: [9002326] },
    });
    expect(answer.body.error_description).toContain(`Request origin: '${PANE_ORIGIN}'.`);
    // The same code still works for the server it was meant for.
    expect(
      (
        await token({
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          redirect_uri: WEB_REDIRECT,
          client_secret: APP.secrets[0] ?? "",
        })
      ).status,
    ).toBe(200);
  });

  it("answer the token endpoint's preflight, and let any origin read the metadata", async () => {
    const preflight = await fetch(`${sandbox.url}/common/oauth2/v2.0/token`, {
      method: "OPTIONS",
      headers: {
        origin: PANE_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-client-current-telemetry",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(PANE_ORIGIN);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/x-client-current-telemetry/);
    const metadata = await fetch(`${sandbox.url}/common/v2.0/.well-known/openid-configuration`, {
      headers: { origin: PANE_ORIGIN },
    });
    expect(metadata.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("accept an app registered with SPA redirect URIs only, and refuse one with no redirect URI", async () => {
    const spaOnly = await startSandbox({ identity: { clients: [{ ...APP, redirectUris: [] }] } });
    await spaOnly.stop();
    await expect(
      startSandbox({ identity: { clients: [{ ...APP, redirectUris: [], spaRedirectUris: [] }] } }),
    ).rejects.toThrow(/at least one redirect URI/);
  });
});

describe("an SPA's refresh tokens", () => {
  it("die a day after the sign-in, whatever their use (AADSTS700084)", () => {
    const grants = new GrantStore(DEFAULT_IDENTITY_SETTINGS);
    const now = Date.parse("2026-11-24T08:00:00Z");
    const grant = { userId: "u", clientId: APP.clientId, scopes: ["openid"], grantIssuedAt: now, spa: true };
    const fresh = grants.issueRefreshToken(grant, now);
    expect(grants.useRefreshToken(fresh, APP.clientId, now + SPA_REFRESH_TOKEN_LIFETIME_SECONDS * 1000).spa).toBe(true);
    const later = grants.issueRefreshToken(grant, now + SPA_REFRESH_TOKEN_LIFETIME_SECONDS * 1000);
    const expired = (() => {
      try {
        grants.useRefreshToken(later, APP.clientId, now + SPA_REFRESH_TOKEN_LIFETIME_SECONDS * 1000 + 1);
      } catch (error) {
        return error;
      }
    })();
    expect(expired).toBeInstanceOf(AadstsError);
    expect(expired).toMatchObject({
      aadsts: 700084,
      message: expect.stringContaining("fixed, limited lifetime of 1.00:00:00"),
    });
  });
});
