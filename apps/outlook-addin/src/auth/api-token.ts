import type { IPublicClientApplication } from "@azure/msal-browser";
import type { OfficeAdapter } from "../office/office-adapter";
import { msalConfiguration } from "./msal-configuration";

/** What `GET /addin/config.json` answers: how the taskpane obtains a token for the product's API. */
export interface AddinConfig {
  /** Demo mode: the platform's demo sign-in stands in for Microsoft. */
  demo: boolean;
  clientId: string | null;
  authority: string | null;
  /** `api://<clientId>/access_as_user`. */
  apiScope: string | null;
}

export class AddinSignInError extends Error {
  override name = "AddinSignInError";
}

export async function fetchAddinConfig(fetcher: typeof fetch = fetch): Promise<AddinConfig> {
  const response = await fetcher("/addin/config.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new AddinSignInError(`GET /addin/config.json answered ${response.status}`);
  return (await response.json()) as AddinConfig;
}

/** What the Microsoft sign-in needs from Outlook: whether it signs the add-in in itself, and its dialog otherwise. */
export type SignInHost = Pick<OfficeAdapter, "nestedAppAuthSupported" | "openSignInDialog">;

/**
 * A Microsoft access token for the product's API. Where Outlook offers Nested App Authentication it signs the person
 * in (no window of our own); elsewhere the sign-in dialog (/addin/sign-in.html) runs MSAL and sends the token back.
 */
export function microsoftTokenSource(
  config: AddinConfig,
  host: SignInHost,
  createClient: (config: AddinConfig) => Promise<IPublicClientApplication> = createNestableClient,
): () => Promise<string> {
  const { apiScope } = config;
  if (!apiScope || !config.clientId)
    throw new AddinSignInError("the server has no Microsoft application configured for the add-in");
  if (host.nestedAppAuthSupported()) return nestedAppAuthTokenSource(apiScope, () => createClient(config));
  // Loaded on first use: the NAA path and demo sessions never ship the dialog's code.
  let source: Promise<() => Promise<string>> | undefined;
  return async () => {
    source ??= import("./dialog-token").then(({ dialogTokenSource }) =>
      dialogTokenSource((url) => host.openSignInDialog(url), signInPageUrl()),
    );
    return (await source)();
  };
}

/** The dialog's page, beside the taskpane's: Office opens only pages of the pane's own origin, by absolute URL. */
const signInPageUrl = () => new URL("/addin/sign-in.html", location.origin).href;

/** NAA: silent first, then Outlook's own interactive prompt when the person must consent. */
function nestedAppAuthTokenSource(
  apiScope: string,
  createClient: () => Promise<IPublicClientApplication>,
): () => Promise<string> {
  let client: Promise<IPublicClientApplication> | undefined;
  return async () => {
    client ??= createClient();
    const msal = await client;
    const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
    const request = { scopes: [apiScope], ...(account ? { account } : {}) };
    try {
      return (await msal.acquireTokenSilent(request)).accessToken;
    } catch (error) {
      const { InteractionRequiredAuthError, BrowserAuthError } = await import("@azure/msal-browser");
      // No account yet (BrowserAuthError no_account_error) or consent needed: ask the person, once.
      if (!(error instanceof InteractionRequiredAuthError) && !(error instanceof BrowserAuthError)) throw error;
      const result = await msal.acquireTokenPopup({ scopes: [apiScope] });
      msal.setActiveAccount(result.account);
      return result.accessToken;
    }
  };
}

async function createNestableClient(config: AddinConfig): Promise<IPublicClientApplication> {
  // Loaded on first use: demo sessions never ship MSAL's code to the taskpane.
  const { createNestablePublicClientApplication } = await import("@azure/msal-browser");
  return createNestablePublicClientApplication(msalConfiguration(config));
}

/** Demo mode: a platform session for the mailbox's owner, from the demo sign-in (the sandbox stands in for Microsoft). */
export function demoTokenSource(email: string, fetcher: typeof fetch = fetch): () => Promise<string> {
  let token: Promise<string> | undefined;
  return () => {
    token ??= (async () => {
      const response = await fetcher("/api/demo/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
      });
      if (!response.ok) throw new AddinSignInError(`the demo sign-in answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    })();
    token.catch(() => (token = undefined));
    return token;
  };
}

/** The token source the server's configuration calls for. */
export function tokenSourceFor(config: AddinConfig, adapter: OfficeAdapter): () => Promise<string> {
  return config.demo ? demoTokenSource(adapter.mailboxAddress()) : microsoftTokenSource(config, adapter);
}
