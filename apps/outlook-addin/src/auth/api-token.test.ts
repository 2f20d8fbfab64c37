import { InteractionRequiredAuthError, type AccountInfo, type IPublicClientApplication } from "@azure/msal-browser";
import { describe, expect, it } from "vitest";
import { createOfficeAdapter } from "../office/office-adapter";
import { fakeOffice, type FakeDialog } from "../test-support/fake-office";
import { demoTokenSource, microsoftTokenSource, type AddinConfig } from "./api-token";

const CONFIG: AddinConfig = {
  demo: false,
  clientId: "6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11",
  authority: "https://login.microsoftonline.com/common",
  apiScope: "api://6b1c3a52-9a3e-4c55-8d0e-2f9f8a8d1c11/access_as_user",
};
const ACCOUNT = {
  homeAccountId: "h",
  environment: "login.microsoftonline.com",
  tenantId: "t",
  username: "lea@contoso.com",
  localAccountId: "o",
} as AccountInfo;

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

/** Outlook as the token source sees it: with or without NAA, and a scripted sign-in dialog. */
function outlook(nestedAppAuth: boolean, dialog: FakeDialog = { kind: "event", code: 12006 }) {
  const office = fakeOffice({
    host: "Outlook",
    answers: true,
    item: null,
    displayLanguage: "fr-FR",
    emailAddress: "lea@contoso.com",
    nestedAppAuth,
    dialog,
  });
  return { office, host: createOfficeAdapter(office as unknown as typeof Office) };
}
const NAA = outlook(true).host;

describe("the add-in's API token", () => {
  it("asks for the product's API scope silently, through NAA", async () => {
    const msal = fakeMsal(async () => "token-from-outlook");
    expect(await microsoftTokenSource(CONFIG, NAA, msal.create)()).toBe("token-from-outlook");
    expect(msal.requests).toEqual([`silent ${CONFIG.apiScope}`]);
  });

  it("falls back to the sign-in dialog when the person must interact", async () => {
    const msal = fakeMsal(() =>
      Promise.reject(new InteractionRequiredAuthError("interaction_required", "consent required")),
    );
    expect(await microsoftTokenSource(CONFIG, NAA, msal.create)()).toBe("token-from-dialog");
    expect(msal.requests).toEqual([`silent ${CONFIG.apiScope}`, `popup ${CONFIG.apiScope}`]);
  });

  it("lets other failures through", async () => {
    const msal = fakeMsal(() => Promise.reject(new Error("network down")));
    await expect(microsoftTokenSource(CONFIG, NAA, msal.create)()).rejects.toThrow("network down");
  });

  it("refuses to start without a Microsoft app", () => {
    expect(() => microsoftTokenSource({ ...CONFIG, clientId: null }, NAA)).toThrow(/no Microsoft application/);
  });

  it("opens the sign-in dialog where Outlook offers no NAA, never MSAL in the pane", async () => {
    const msal = fakeMsal(async () => "never");
    const answer = JSON.stringify({
      accessToken: "token-from-dialog",
      expiresOn: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const { office, host } = outlook(false, { kind: "messages", messages: [{ message: answer }] });
    const getApiToken = microsoftTokenSource(CONFIG, host, msal.create);
    expect([await getApiToken(), await getApiToken()]).toEqual(["token-from-dialog", "token-from-dialog"]);
    expect(office.__calls.filter(({ method }) => method === "ui.displayDialogAsync")).toEqual([
      { method: "ui.displayDialogAsync", value: `${location.origin}/addin/sign-in.html` },
    ]);
    expect(msal.requests).toEqual([]);
  });

  it("says why when the person closes the dialog", async () => {
    const getApiToken = microsoftTokenSource(CONFIG, outlook(false, { kind: "event", code: 12006 }).host);
    await expect(getApiToken()).rejects.toMatchObject({ name: "OfficeDialogError", reason: "closed" });
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
