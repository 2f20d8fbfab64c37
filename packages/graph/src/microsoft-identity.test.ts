import { signInThroughAuthorizePage, startSandbox } from "@agenda/microsoft-sandbox";
import { TEST_APP, TEST_REDIRECT_URI, sandboxAdmin, useSandbox } from "@agenda/testing/sandbox";
import { describe, expect, it } from "vitest";
import { createGraphClient } from "./graph-client";
import { MicrosoftAuthError, MicrosoftIdentity } from "./microsoft-identity";
import { refusingOrigin } from "./testing/listeners";

const sandbox = useSandbox([
  { userPrincipalName: "ana@contoso.test", displayName: "Ana" },
  { userPrincipalName: "ben@contoso.test" },
]);

function identity({ clientSecret = TEST_APP.secrets[0] ?? "", origin = sandbox().url } = {}) {
  return new MicrosoftIdentity({
    clientId: TEST_APP.clientId,
    clientSecret,
    authority: `${origin}/common`,
    knownAuthorities: [new URL(origin).host],
    redirectUri: TEST_REDIRECT_URI,
  });
}

async function signIn(client: MicrosoftIdentity, upn: string) {
  const { url, codeVerifier } = await client.beginAuthorization({ state: "state-1", loginHint: upn });
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName: upn });
  expect(response.get("state")).toBe("state-1");
  return { code: response.get("code") ?? "", codeVerifier };
}

async function failureOf(promise: Promise<unknown>): Promise<MicrosoftAuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MicrosoftAuthError)) throw new Error(`expected a MicrosoftAuthError, got ${String(error)}`);
  return error;
}

describe("MicrosoftIdentity against the sandbox", () => {
  it("signs in with PKCE, then serves cached or refreshed tokens from the serialized cache", async () => {
    const client = identity();
    const account = await client.redeemCode(await signIn(client, "ana@contoso.test"));
    expect(account).toMatchObject({ username: "ana@contoso.test", name: "Ana" });
    expect(account.homeAccountId).toBe(`${account.objectId}.${account.tenantId}`);

    const cached = await client.acquireToken(account.tokenCache, account.homeAccountId);
    expect(cached.accessToken).toBe(account.accessToken);
    const refreshed = await client.acquireToken(account.tokenCache, account.homeAccountId, { forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(account.accessToken);
    expect(refreshed.tokenCache).not.toBe(account.tokenCache);

    const me = await createGraphClient({ origin: sandbox().url, accessToken: async () => refreshed.accessToken })
      .api("/me")
      .get();
    expect(me).toMatchObject({ userPrincipalName: "ana@contoso.test" });
  });

  it("classifies what Microsoft refuses: a wrong secret, a reused code, a revoked grant", async () => {
    const wrongSecret = identity({ clientSecret: "not-the-secret" });
    const misconfigured = await failureOf(wrongSecret.redeemCode(await signIn(wrongSecret, "ben@contoso.test")));
    expect(misconfigured).toMatchObject({ failure: "invalidClient", aadsts: 7000215 });
    expect(misconfigured.description).not.toMatch(/Trace ID|Correlation ID/);

    const client = identity();
    const grant = await signIn(client, "ben@contoso.test");
    const account = await client.redeemCode(grant);
    expect(await failureOf(client.redeemCode(grant))).toMatchObject({ failure: "invalidGrant", aadsts: 54005 });

    await sandboxAdmin(sandbox(), "POST", "/identity/grants/revoke", { user: "ben@contoso.test" });
    expect(
      await failureOf(client.acquireToken(account.tokenCache, account.homeAccountId, { forceRefresh: true })),
    ).toMatchObject({ failure: "reauthRequired", aadsts: 50173 });
    expect(await failureOf(client.acquireToken(account.tokenCache, "someone.else"))).toMatchObject({
      failure: "reauthRequired",
    });
  });

  it("says Microsoft is unreachable, not that it refused, when its identity platform cannot be reached", async () => {
    expect(
      await failureOf(identity({ origin: await refusingOrigin() }).beginAuthorization({ state: "state-2" })),
    ).toMatchObject({ failure: "unreachable" });

    // The authority's metadata is known, then the token endpoint goes away (a sandbox stopped, a network down).
    const vanishing = await startSandbox({
      users: [{ userPrincipalName: "cleo@contoso.test" }],
      identity: { clients: [TEST_APP] },
    });
    const client = identity({ origin: vanishing.url });
    const account = await client.redeemCode(await signIn(client, "cleo@contoso.test"));
    await vanishing.stop();
    expect(
      await failureOf(client.acquireToken(account.tokenCache, account.homeAccountId, { forceRefresh: true })),
    ).toMatchObject({ failure: "unreachable" });
  });
});
