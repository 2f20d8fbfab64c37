import { InteractionRequiredAuthError, type AccountInfo, type IPublicClientApplication } from "@azure/msal-browser";
import { describe, expect, it } from "vitest";
import { demoTokenSource, microsoftTokenSource, type AddinConfig } from "./api-token";

const CONFIG: AddinConfig = {
  demo: false,
  clientId: "6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11",
  authority: "https://login.microsoftonline.com/common",
  apiScope: "api://6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11/access_as_user",
};
const ACCOUNT = { homeAccountId: "h", environment: "login.microsoftonline.com", tenantId: "t", username: "lea@contoso.com", localAccountId: "o" } as AccountInfo;

/** msal-browser's client as the taskpane uses it: silent first, then the sign-in dialog. */
function fakeMsal(silent: () => Promise<string>) {
  const requests: string[] = [];
  let active: AccountInfo | null = null;
  const client = {
    getActiveAccount: () => active,
    getAllAccounts: () => (active ? [active] : []),
    setActiveAccount: (account: AccountInfo | null) => (active = account),
    acquireTokenSilent: async (request: { scopes: string[] }) => {
      requests.push(`silent ${request.scopes.join(" ")}`);
      return { accessToken: await silent() };
    },
    acquireTokenPopup: async (request: { scopes: string[] }) => {
      requests.push(`popup ${request.scopes.join(" ")}`);
      return { accessToken: "token-from-dialog", account: ACCOUNT };
    },
  };
  return { requests, create: async () => client as unknown as IPublicClientApplication };
}

describe("the add-in's API token", () => {
  it("asks for the product's API scope silently, through NAA", async () => {
    const msal = fakeMsal(async () => "token-from-outlook");
    expect(await microsoftTokenSource(CONFIG, msal.create)()).toBe("token-from-outlook");
    expect(msal.requests).toEqual([`silent ${CONFIG.apiScope}`]);
  });

  it("falls back to the sign-in dialog when the person must interact", async () => {
    const msal = fakeMsal(() => Promise.reject(new InteractionRequiredAuthError("interaction_required", "consent required")));
    expect(await microsoftTokenSource(CONFIG, msal.create)()).toBe("token-from-dialog");
    expect(msal.requests).toEqual([`silent ${CONFIG.apiScope}`, `popup ${CONFIG.apiScope}`]);
  });

  it("lets other failures through", async () => {
    const msal = fakeMsal(() => Promise.reject(new Error("network down")));
    await expect(microsoftTokenSource(CONFIG, msal.create)()).rejects.toThrow("network down");
  });

  it("refuses to start without a Microsoft app", () => {
    expect(() => microsoftTokenSource({ ...CONFIG, clientId: null })).toThrow(/no Microsoft application/);
  });

  it("signs the mailbox's owner in through the demo sign-in in demo mode, once", async () => {
    const bodies: unknown[] = [];
    const fetcher = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ token: "platform-token" }), { status: 200 });
    }) as typeof fetch;
    const getApiToken = demoTokenSource("lea.martin@formation.demo", fetcher);
    expect([await getApiToken(), await getApiToken()]).toEqual(["platform-token", "platform-token"]);
    expect(bodies).toEqual([{ email: "lea.martin@formation.demo" }]);
  });
});
