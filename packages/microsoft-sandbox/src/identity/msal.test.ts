import {
  CryptoProvider,
  InteractionRequiredAuthError,
  ProtocolMode,
  ServerError,
  type AuthenticationResult,
} from "@azure/msal-node";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TENANT_ID, type DirectoryUser } from "../directory";
import { type Sandbox, startSandbox } from "../sandbox";
import { REDIRECT_URI, msalClient, signInWithMsal } from "../test-support";
import { DEMO_CLIENT, signInThroughAuthorizePage } from "./index";

let sandbox: Sandbox;
let adele: DirectoryUser;
let megan: DirectoryUser;

async function admin(path: string, method: "POST" | "PATCH", body: unknown): Promise<Response> {
  const response = await fetch(`${sandbox.url}/admin/api/identity${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
  return response;
}

/** MSAL rejects with a ServerError (or its InteractionRequired subclass for interaction errors) naming the AADSTS code. */
async function expectServerError(
  promise: Promise<unknown>,
  errorCode: string,
  aadsts: number,
): Promise<ServerError | InteractionRequiredAuthError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeDefined();
  if (!(error instanceof ServerError || error instanceof InteractionRequiredAuthError)) throw error;
  expect(error.errorCode).toBe(errorCode);
  expect(error.errorMessage).toContain(`AADSTS${aadsts}:`);
  expect(error.errorMessage).toMatch(
    /Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/,
  );
  return error;
}

beforeAll(async () => {
  sandbox = await startSandbox({
    users: [
      { userPrincipalName: "adele.vance@contoso.example", displayName: "Adele Vance" },
      { userPrincipalName: "megan.bowen@contoso.example", displayName: "Megan Bowen" },
    ],
    identity: { accessTokenLifetimeSeconds: 60 },
  });
  adele = sandbox.directory.findByUserPrincipalName("adele.vance@contoso.example")!;
  megan = sandbox.directory.findByUserPrincipalName("megan.bowen@contoso.example")!;
});

afterAll(async () => {
  await sandbox.stop();
});

describe("MSAL Node against the sandbox's identity platform", () => {
  it("completes the auth-code + PKCE flow through the sign-in page and returns Microsoft-shaped tokens", async () => {
    const msal = msalClient(sandbox);
    const result = await signInWithMsal(msal, adele.userPrincipalName);

    expect(result.account?.homeAccountId).toBe(`${adele.id}.${adele.tenantId}`);
    expect(result.account?.username).toBe(adele.userPrincipalName);
    expect(result.account?.tenantId).toBe(DEFAULT_TENANT_ID);
    expect(result.scopes).toEqual(expect.arrayContaining(["Calendars.ReadWrite", "User.Read"]));

    const metadata = (await (
      await fetch(`${sandbox.authority("common")}/v2.0/.well-known/openid-configuration`)
    ).json()) as {
      jwks_uri: string;
    };
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri));
    const idToken = await jwtVerify(result.idToken, keys, {
      issuer: `${sandbox.url}/${adele.tenantId}/v2.0`,
      audience: DEMO_CLIENT.clientId,
    });
    expect(idToken.protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(idToken.payload).toMatchObject({
      oid: adele.id,
      tid: adele.tenantId,
      preferred_username: adele.userPrincipalName,
      name: "Adele Vance",
      ver: "2.0",
    });
    expect(idToken.payload.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(idToken.payload.sub).not.toBe(adele.id);

    const accessToken = await jwtVerify(result.accessToken, keys, {
      issuer: `https://sts.windows.net/${adele.tenantId}/`,
      audience: "https://graph.microsoft.com",
    });
    expect(accessToken.payload).toMatchObject({
      oid: adele.id,
      tid: adele.tenantId,
      appid: DEMO_CLIENT.clientId,
      ver: "1.0",
    });
    expect(String(accessToken.payload.scp).split(" ")).toEqual(
      expect.arrayContaining(["Calendars.ReadWrite", "User.Read"]),
    );
    expect(accessToken.payload.exp! - accessToken.payload.iat!).toBe(60);
    expect(await sandbox.signing.verifyAccessToken(result.accessToken)).toMatchObject({
      oid: adele.id,
      azp: DEMO_CLIENT.clientId,
    });
  });

  it("echoes the nonce into the id_token and keeps `sub` pairwise per app", async () => {
    const msal = msalClient(sandbox);
    const pkce = await new CryptoProvider().generatePkceCodes();
    const nonce = crypto.randomUUID();
    const url = await msal.getAuthCodeUrl({
      scopes: ["User.Read"],
      redirectUri: REDIRECT_URI,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: "S256",
      nonce,
    });
    const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: megan.userPrincipalName });
    const code = response.get("code")!;
    // MSAL v7 compares the id_token's nonce with the one the redemption request carries.
    const result = await msal.acquireTokenByCode({
      code,
      nonce,
      scopes: ["User.Read"],
      redirectUri: REDIRECT_URI,
      codeVerifier: pkce.verifier,
    });
    const claims = decodeJwt(result.idToken);
    expect(claims.nonce).toBe(nonce);
    expect(claims.sub).not.toBe(decodeJwt(result.accessToken).sub);
  });

  it("serves the v2.0 metadata on the AAD path and the OIDC path, with the {tenantid} issuer template on common", async () => {
    for (const path of ["/common/v2.0/.well-known/openid-configuration", "/common/.well-known/openid-configuration"]) {
      const response = await fetch(`${sandbox.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        issuer: `${sandbox.url}/{tenantid}/v2.0`,
        authorization_endpoint: `${sandbox.url}/common/oauth2/v2.0/authorize`,
        token_endpoint: `${sandbox.url}/common/oauth2/v2.0/token`,
        jwks_uri: `${sandbox.url}/common/discovery/v2.0/keys`,
      });
    }
    const tenant = await (
      await fetch(`${sandbox.url}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`)
    ).json();
    expect(tenant).toMatchObject({
      issuer: `${sandbox.url}/${DEFAULT_TENANT_ID}/v2.0`,
      token_endpoint: `${sandbox.url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`,
    });
    const byDomain = await (await fetch(`${sandbox.url}/contoso.example/v2.0/.well-known/openid-configuration`)).json();
    expect(byDomain).toMatchObject({ issuer: `${sandbox.url}/${DEFAULT_TENANT_ID}/v2.0` });

    const unknown = await fetch(
      `${sandbox.url}/0b5a3b6e-0000-4000-8000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: "invalid_tenant", error_codes: [90002] });
  });

  it("signs in with MSAL in OIDC protocol mode too (metadata without the v2.0 segment)", async () => {
    const msal = msalClient(sandbox, {
      auth: { authority: sandbox.authority(DEFAULT_TENANT_ID) },
      system: { protocolMode: ProtocolMode.OIDC },
    });
    const result = await signInWithMsal(msal, megan.userPrincipalName, ["User.Read"]);
    expect(decodeJwt(result.accessToken).oid).toBe(megan.id);
  });

  it("refreshes silently once the access token is near expiry, and serves a fresh one from its cache", async () => {
    const msal = msalClient(sandbox);
    const first = await signInWithMsal(msal, adele.userPrincipalName);

    // MSAL renews access tokens 5 minutes before they expire: with the sandbox's 60 s lifetime that is at once.
    const refreshed = await msal.acquireTokenSilent({ account: first.account!, scopes: ["Calendars.ReadWrite"] });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(decodeJwt(refreshed.accessToken).oid).toBe(adele.id);

    await admin("/settings", "PATCH", { accessTokenLifetimeSeconds: 3599 });
    try {
      const renewed = await msal.acquireTokenSilent({ account: first.account!, scopes: ["Calendars.ReadWrite"] });
      const cached = await msal.acquireTokenSilent({ account: first.account!, scopes: ["Calendars.ReadWrite"] });
      expect(renewed.fromCache).toBe(false);
      expect(cached.fromCache).toBe(true);
      expect(cached.accessToken).toBe(renewed.accessToken);
    } finally {
      await admin("/settings", "PATCH", { accessTokenLifetimeSeconds: 60 });
    }
  });

  it("issues access tokens that really expire after the configured lifetime", async () => {
    await admin("/settings", "PATCH", { accessTokenLifetimeSeconds: 1 });
    try {
      const result = await signInWithMsal(msalClient(sandbox), megan.userPrincipalName, ["User.Read"]);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await expect(sandbox.signing.verifyAccessToken(result.accessToken)).rejects.toBeInstanceOf(joseErrors.JWTExpired);
    } finally {
      await admin("/settings", "PATCH", { accessTokenLifetimeSeconds: 60 });
    }
  });

  it("fails the silent refresh with invalid_grant AADSTS50173 once the user's grant is revoked", async () => {
    const msal = msalClient(sandbox);
    const signedIn = await signInWithMsal(msal, megan.userPrincipalName);
    await admin("/grants/revoke", "POST", { user: megan.userPrincipalName, clientId: DEMO_CLIENT.clientId });
    const error = await expectServerError(
      msal.acquireTokenSilent({ account: signedIn.account!, scopes: ["Calendars.ReadWrite"], forceRefresh: true }),
      "invalid_grant",
      50173,
    );
    expect(error.errorMessage).toContain("TokensValidFrom");
  });

  it("fails the silent refresh with AADSTS700082 (interaction required) once the refresh tokens expire", async () => {
    const msal = msalClient(sandbox);
    const signedIn = await signInWithMsal(msal, adele.userPrincipalName);
    await admin("/refresh-tokens/expire", "POST", { user: adele.id });
    const error = await expectServerError(
      msal.acquireTokenSilent({ account: signedIn.account!, scopes: ["Calendars.ReadWrite"], forceRefresh: true }),
      "invalid_grant",
      700082,
    );
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect(error.subError).toBe("bad_token");
  });

  describe("code redemption failures", () => {
    async function codeFor(userPrincipalName: string) {
      const msal = msalClient(sandbox);
      const pkce = await new CryptoProvider().generatePkceCodes();
      const url = await msal.getAuthCodeUrl({
        scopes: ["User.Read"],
        redirectUri: REDIRECT_URI,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: "S256",
      });
      const { response } = await signInThroughAuthorizePage(url, { userPrincipalName });
      return { msal, code: response.get("code")!, verifier: pkce.verifier };
    }

    it("refuses a code redeemed twice with AADSTS54005", async () => {
      const { msal, code, verifier } = await codeFor(adele.userPrincipalName);
      const request = { code, scopes: ["User.Read"], redirectUri: REDIRECT_URI, codeVerifier: verifier };
      const first: AuthenticationResult = await msal.acquireTokenByCode(request);
      expect(first.accessToken).toBeTruthy();
      await expectServerError(msal.acquireTokenByCode(request), "invalid_grant", 54005);
    });

    it("refuses a wrong PKCE verifier with AADSTS501481", async () => {
      const { msal, code } = await codeFor(adele.userPrincipalName);
      const other = await new CryptoProvider().generatePkceCodes();
      await expectServerError(
        msal.acquireTokenByCode({
          code,
          scopes: ["User.Read"],
          redirectUri: REDIRECT_URI,
          codeVerifier: other.verifier,
        }),
        "invalid_grant",
        501481,
      );
    });

    it("refuses a redirect URI other than the authorization request's with AADSTS500112", async () => {
      const { msal, code, verifier } = await codeFor(adele.userPrincipalName);
      await expectServerError(
        msal.acquireTokenByCode({
          code,
          scopes: ["User.Read"],
          redirectUri: "http://localhost:3000/auth/microsoft/callback",
          codeVerifier: verifier,
        }),
        "invalid_grant",
        500112,
      );
    });

    it("refuses a wrong client secret with invalid_client AADSTS7000215", async () => {
      const { code, verifier } = await codeFor(adele.userPrincipalName);
      const impostor = msalClient(sandbox, { auth: { clientSecret: "not-the-secret" } });
      await expectServerError(
        impostor.acquireTokenByCode({ code, scopes: ["User.Read"], redirectUri: REDIRECT_URI, codeVerifier: verifier }),
        "invalid_client",
        7000215,
      );
    });
  });

  describe("prompt=none with a login_hint (scriptable sign-in)", () => {
    async function silentAuthorize(userPrincipalName: string) {
      const msal = msalClient(sandbox);
      const pkce = await new CryptoProvider().generatePkceCodes();
      const url = await msal.getAuthCodeUrl({
        scopes: ["Calendars.ReadWrite"],
        redirectUri: REDIRECT_URI,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: "S256",
        prompt: "none",
        loginHint: userPrincipalName,
        state: "silent-state",
      });
      const response = await fetch(url, { redirect: "manual" });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(location.searchParams.get("state")).toBe("silent-state");
      return { msal, pkce, params: location.searchParams };
    }

    it("answers consent_required for a user who never consented, and a code once they have", async () => {
      const newcomer = sandbox.directory.add({ userPrincipalName: "lee.gu@contoso.example", displayName: "Lee Gu" });
      const before = await silentAuthorize(newcomer.userPrincipalName);
      expect(before.params.get("error")).toBe("consent_required");
      expect(before.params.get("error_description")).toMatch(/^AADSTS65001: /);

      await signInWithMsal(msalClient(sandbox), newcomer.userPrincipalName, ["Calendars.ReadWrite"]);

      const after = await silentAuthorize(newcomer.userPrincipalName);
      const code = after.params.get("code");
      expect(code).toBeTruthy();
      const result = await after.msal.acquireTokenByCode({
        code: code!,
        scopes: ["Calendars.ReadWrite"],
        redirectUri: REDIRECT_URI,
        codeVerifier: after.pkce.verifier,
      });
      expect(result.account?.username).toBe(newcomer.userPrincipalName);
    });

    it("signs in without consent when auto-consent is on, and asks for interaction for an unknown user", async () => {
      const stranger = sandbox.directory.add({ userPrincipalName: "alex.wilber@contoso.example" });
      await admin("/settings", "PATCH", { autoConsent: true });
      try {
        expect((await silentAuthorize(stranger.userPrincipalName)).params.get("code")).toBeTruthy();
        const unknown = await silentAuthorize("nobody@contoso.example");
        expect(unknown.params.get("error")).toBe("interaction_required");
      } finally {
        await admin("/settings", "PATCH", { autoConsent: false });
      }
    });
  });
});
