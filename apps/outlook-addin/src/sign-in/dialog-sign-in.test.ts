import {
  InteractionRequiredAuthError,
  type AccountInfo,
  type AuthenticationResult,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import { describe, expect, it } from "vitest";
import { signInInDialog } from "./dialog-sign-in";

const SCOPE = "api://b8a1f6c2-5d3e-4f7a-9c2b-1e0d3a4f5b6c/access_as_user";
const ACCOUNT = {
  homeAccountId: "h",
  environment: "127.0.0.1:8443",
  tenantId: "t",
  username: "lea@contoso.com",
  localAccountId: "o",
} as AccountInfo;
const EXPIRES_ON = new Date("2026-11-24T09:00:00.000Z");
const result = (accessToken: string) =>
  ({ accessToken, expiresOn: EXPIRES_ON, account: ACCOUNT, scopes: [SCOPE] }) as unknown as AuthenticationResult;

/** MSAL's standard client as the dialog page uses it, with what it was asked recorded. */
function fakeMsal(state: {
  redirected?: AuthenticationResult;
  cached?: AccountInfo;
  silent?: () => Promise<AuthenticationResult>;
}) {
  const calls: string[] = [];
  let active: AccountInfo | null = null;
  const client = {
    handleRedirectPromise: async () => state.redirected ?? null,
    getActiveAccount: () => active,
    getAllAccounts: () => (state.cached ? [state.cached] : []),
    setActiveAccount: (account: AccountInfo | null) => {
      calls.push(`active ${account?.username}`);
      active = account;
    },
    acquireTokenSilent: async (request: { scopes: string[]; account: AccountInfo }) => {
      calls.push(`silent ${request.scopes.join(" ")} for ${request.account.username}`);
      return (state.silent ?? (async () => result("cached")))();
    },
    loginRedirect: async (request: { scopes: string[]; loginHint?: string }) => {
      calls.push(`redirect ${request.scopes.join(" ")}${request.loginHint ? ` hint ${request.loginHint}` : ""}`);
    },
  };
  return { calls, msal: client as unknown as IPublicClientApplication };
}

describe("the sign-in dialog", () => {
  it("sends Microsoft's sign-in page the first time, for the product's API", async () => {
    const { msal, calls } = fakeMsal({});
    expect(await signInInDialog(msal, SCOPE)).toBe("redirecting");
    expect(calls).toEqual([`redirect ${SCOPE}`]);
  });

  it("answers the token Microsoft redirected back with, and remembers the account", async () => {
    const { msal, calls } = fakeMsal({ redirected: result("fresh") });
    expect(await signInInDialog(msal, SCOPE)).toEqual({ accessToken: "fresh", expiresOn: EXPIRES_ON.toISOString() });
    expect(calls).toEqual(["active lea@contoso.com"]);
  });

  it("answers from MSAL's cache when the account signed in before: no page at all", async () => {
    const { msal, calls } = fakeMsal({ cached: ACCOUNT });
    expect(await signInInDialog(msal, SCOPE)).toEqual({ accessToken: "cached", expiresOn: EXPIRES_ON.toISOString() });
    expect(calls).toEqual([`silent ${SCOPE} for lea@contoso.com`]);
  });

  it("signs the known account in again when Microsoft wants interaction", async () => {
    const { msal, calls } = fakeMsal({
      cached: ACCOUNT,
      silent: () => Promise.reject(new InteractionRequiredAuthError("invalid_grant", "AADSTS700084: expired")),
    });
    expect(await signInInDialog(msal, SCOPE)).toBe("redirecting");
    expect(calls).toEqual([`silent ${SCOPE} for lea@contoso.com`, `redirect ${SCOPE} hint lea@contoso.com`]);
  });

  it("lets other failures through, for the pane to show", async () => {
    const { msal } = fakeMsal({ cached: ACCOUNT, silent: () => Promise.reject(new Error("network down")) });
    await expect(signInInDialog(msal, SCOPE)).rejects.toThrow("network down");
  });
});
