import { createHash, randomBytes } from "node:crypto";
import { signInThroughAuthorizePage } from "@agenda/microsoft-sandbox";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../web/e2e/support/browser";
import type { AddinConfig } from "../src/auth/api-token";
import { fakeOffice, type FakeOfficeOptions } from "../src/test-support/fake-office";
import { agendaUrl, connectOutlook, LEARNER, saveScreenshot } from "./support/office-host";

// The taskpane outside demo mode: Microsoft's sign-in, the sandbox standing in for Microsoft. The real server's
// configuration is kept (its Entra app, the sandbox as authority) but says `demo: false`, as a deployment would.

const FORMATION = "RGPD : les fondamentaux";
/** A demo user who never connected Outlook: Microsoft knows the account, Agenda does not. */
const STRANGER = "camille.dubois@formation.demo";

/** What the sandbox issues a single-page app after a sign-in: what Outlook's NAA bridge hands the add-in. */
interface SandboxTokens {
  access_token: string;
  id_token: string;
  expires_in: number;
  scope: string;
}

async function serverConfig(): Promise<AddinConfig & { clientId: string; authority: string; apiScope: string }> {
  const config = (await (await fetch(agendaUrl("/addin/config.json"))).json()) as AddinConfig;
  if (!config.clientId || !config.authority || !config.apiScope)
    throw new Error("the demo product configures no Microsoft app for the add-in");
  return { ...config, clientId: config.clientId, authority: config.authority, apiScope: config.apiScope };
}

/**
 * Real tokens for the product's API, as the sandbox issues them to the add-in's page after `email` signs in on the
 * sandbox's page (the demo app's SPA redirect URI, PKCE, redeemed cross-origin like a browser).
 */
async function sandboxApiTokens(email: string): Promise<SandboxTokens> {
  const { clientId, authority, apiScope } = await serverConfig();
  const redirectUri = agendaUrl("/addin/sign-in.html");
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${authority}/oauth2/v2.0/authorize`);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  for (const [name, value] of Object.entries({
    client_id: clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: `${apiScope} openid profile`,
    code_challenge: challenge,
    code_challenge_method: "S256",
  })) {
    url.searchParams.set(name, value);
  }
  const { response } = await signInThroughAuthorizePage(url.toString(), { userPrincipalName: email });
  const answer = await fetch(`${authority}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(redirectUri).origin },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: clientId,
      code: response.get("code") ?? "",
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!answer.ok) throw new Error(`the sandbox refused the code: ${await answer.text()}`);
  return (await answer.json()) as SandboxTokens;
}

/**
 * Outlook's Nested App Authentication bridge (`window.nestedAppAuthBridge`), speaking msal-browser's protocol
 * (naa/BridgeProxy): it answers GetInitContext, and GetToken with the given tokens for the API's scope only. Every
 * request is kept in `window.__naaRequests`. Serialised into the page: it reads nothing from outside its body.
 */
function fakeNestedAppAuthBridge(tokens: SandboxTokens, account: Record<string, string>, apiScope: string): void {
  const listeners: Array<(message: { data: string }) => void> = [];
  const requests: Array<{ method: string; tokenParams?: { scope?: string; clientId?: string } }> = [];
  const answer = (response: Record<string, unknown>) =>
    setTimeout(() => listeners.forEach((listener) => listener({ data: JSON.stringify(response) })), 0);
  Object.assign(window, {
    __naaRequests: requests,
    nestedAppAuthBridge: {
      addEventListener: (_type: string, listener: (message: { data: string }) => void) => listeners.push(listener),
      removeEventListener: () => undefined,
      postMessage: (raw: string) => {
        const request = JSON.parse(raw) as { method: string; requestId: string; tokenParams?: { scope?: string } };
        requests.push(request);
        const envelope = { messageType: "NestedAppAuthResponse", requestId: request.requestId };
        if (request.method === "GetInitContext") {
          answer({
            ...envelope,
            success: true,
            initContext: { sdkName: "fake-outlook", sdkVersion: "1.0.0", capabilities: { queryAccount: false } },
          });
        } else if (
          (request.method === "GetToken" || request.method === "GetTokenPopup") &&
          request.tokenParams?.scope?.split(" ").includes(apiScope)
        ) {
          answer({
            ...envelope,
            success: true,
            token: {
              access_token: tokens.access_token,
              id_token: tokens.id_token,
              expires_in: tokens.expires_in,
              scope: tokens.scope,
            },
            account,
          });
        } else {
          answer({
            ...envelope,
            success: false,
            error: {
              status: "PERSISTENT_ERROR",
              code: "unsupported",
              description: `the fake bridge does not answer ${request.method}`,
            },
          });
        }
      },
    },
  });
}

/** The bridge's account, as Outlook describes the signed-in person (from the tokens' own claims). */
function accountOf(tokens: SandboxTokens, authority: string): Record<string, string> {
  const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
    oid: string;
    tid: string;
    preferred_username: string;
    name: string;
  };
  return {
    homeAccountId: `${claims.oid}.${claims.tid}`,
    environment: new URL(authority).host,
    tenantId: claims.tid,
    localAccountId: claims.oid,
    username: claims.preferred_username,
    name: claims.name,
  };
}

/** office.js answered empty (the stub stands in for it) and the server's configuration outside demo mode. */
async function outsideDemoMode(context: BrowserContext): Promise<void> {
  await context.route("**/addin/office/office.js", (route) =>
    route.fulfill({ contentType: "text/javascript", body: "" }),
  );
  await context.route("**/addin/config.json", async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...((await response.json()) as AddinConfig), demo: false } });
  });
}

const paneHost = (change: Partial<FakeOfficeOptions>): FakeOfficeOptions => ({
  host: "Outlook",
  answers: true,
  item: { kind: "message-read" },
  displayLanguage: "fr-FR",
  emailAddress: LEARNER,
  ...change,
});

describe("the add-in's Microsoft sign-in", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    await connectOutlook(LEARNER);
  });
  afterAll(() => browser.close());

  /** The taskpane in Outlook with NAA: the bridge hands it `email`'s token. */
  async function openWithNestedAppAuth(
    email: string,
  ): Promise<{ context: BrowserContext; page: Page; apiScope: string }> {
    const { authority, apiScope } = await serverConfig();
    const tokens = await sandboxApiTokens(email);
    const context = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: "fr-FR" });
    await outsideDemoMode(context);
    const page = await context.newPage();
    await page.addInitScript({
      content: `window.Office = (${fakeOffice.toString()})(${JSON.stringify(paneHost({}))});`,
    });
    await page.addInitScript({
      content: `(${fakeNestedAppAuthBridge.toString()})(${JSON.stringify(tokens)}, ${JSON.stringify(accountOf(tokens, authority))}, ${JSON.stringify(apiScope)});`,
    });
    return { context, page, apiScope };
  }

  it("lists the formations with the token Outlook's NAA bridge hands over, asked for the product's API", async () => {
    const { context, page, apiScope } = await openWithNestedAppAuth(LEARNER);
    await page.goto(agendaUrl("/addin/taskpane.html"));
    await page.getByRole("listitem", { name: FORMATION }).waitFor();
    const requests = await page.evaluate(
      () =>
        (window as unknown as { __naaRequests: Array<{ method: string; tokenParams?: { scope?: string } }> })
          .__naaRequests,
    );
    // The pane's first requests leave together (queries, the status subscription): each may ask the bridge.
    const [init, ...tokenRequests] = requests;
    expect(init?.method).toBe("GetInitContext");
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const request of tokenRequests) {
      expect(request.method).toBe("GetToken");
      expect(request.tokenParams?.scope?.split(" ")).toContain(apiScope);
    }
    expect(apiScope).toMatch(/^api:\/\/[0-9a-f-]+\/access_as_user$/);
    await saveScreenshot(page, "addin-naa-formations");
    await context.close();
  });

  it("signs in through the dialog where Outlook has no NAA: the sandbox's page in the browser, then the formations", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 900 }, locale: "fr-FR" });
    await outsideDemoMode(context);
    // One script for every page of the context: the dialog's page gets a host of its own, which answers the pane.
    const pane = JSON.stringify(paneHost({ nestedAppAuth: false, dialog: { kind: "window" } }));
    const dialog = JSON.stringify(paneHost({ item: null }));
    await context.addInitScript({
      content: `window.Office = (${fakeOffice.toString()})(location.pathname.endsWith("/addin/sign-in.html") ? ${dialog} : ${pane});`,
    });
    const page = await context.newPage();
    const opened = context.waitForEvent("page");
    await page.goto(agendaUrl("/addin/taskpane.html"));

    const signIn = await opened;
    await signIn.getByRole("button", { name: "Accept" }).waitFor();
    expect(new URL(signIn.url()).pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
    expect(new URL(signIn.url()).searchParams.get("redirect_uri")).toBe(agendaUrl("/addin/sign-in.html"));
    await signIn.getByLabel("Or type a username").fill(LEARNER);
    await saveScreenshot(signIn, "addin-sign-in-dialog");
    await Promise.all([signIn.waitForEvent("close"), signIn.getByRole("button", { name: "Accept" }).click()]);

    await page.getByRole("listitem", { name: FORMATION }).waitFor();
    const calls = await page.evaluate(
      () => (window as unknown as { Office: { __calls: Array<{ method: string; value: unknown }> } }).Office.__calls,
    );
    expect(calls.filter(({ method }) => method.startsWith("ui.") || method.startsWith("dialog."))).toEqual([
      { method: "ui.displayDialogAsync", value: agendaUrl("/addin/sign-in.html") },
      { method: "dialog.close", value: null },
    ]);
    await saveScreenshot(page, "addin-dialog-formations");

    // The pane opened again (a new token needed): the dialog opens, and MSAL's cache there answers without a page.
    let signInPages = 0;
    context.on("request", (request) => {
      if (request.isNavigationRequest() && request.url().includes("/oauth2/v2.0/authorize")) signInPages += 1;
    });
    const again = await context.newPage();
    const reopened = context.waitForEvent("page");
    await again.goto(agendaUrl("/addin/taskpane.html"));
    await (await reopened).waitForEvent("close");
    await again.getByRole("listitem", { name: FORMATION }).waitFor();
    expect(signInPages).toBe(0);
    await context.close();
  });

  it("tells a Microsoft account no one connected to Agenda that it is unknown (401 MICROSOFT_ACCOUNT_UNKNOWN)", async () => {
    const { context, page } = await openWithNestedAppAuth(STRANGER);
    const refused = page.waitForResponse((response) => response.url().includes("/trpc/") && response.status() === 401);
    await page.goto(agendaUrl("/addin/taskpane.html"));
    expect(await (await refused).text()).toContain('"appCode":"MICROSOFT_ACCOUNT_UNKNOWN"');
    // The pane offers to connect Outlook instead of listing formations (the wording is the sync card's).
    await page.getByText("Connecter Outlook").waitFor();
    expect(await page.getByRole("listitem", { name: FORMATION }).count()).toBe(0);
    await saveScreenshot(page, "addin-microsoft-account-unknown");
    await context.close();
  });
});
