import type { IPublicClientApplication } from "@azure/msal-browser";

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

/**
 * A Microsoft access token for the product's API through Nested App Authentication: Outlook signs the person in
 * (no popup) where it injects the NAA bridge; elsewhere msal-browser's nestable client is a standard one, and the
 * sign-in happens in a popup dialog the first time.
 */
export function microsoftTokenSource(config: AddinConfig, createClient: (config: AddinConfig) => Promise<IPublicClientApplication> = createNestableClient): () => Promise<string> {
  const { apiScope } = config;
  if (!apiScope || !config.clientId) throw new AddinSignInError("the server has no Microsoft application configured for the add-in");
  let client: Promise<IPublicClientApplication> | undefined;
  return async () => {
    client ??= createClient(config);
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
  return createNestablePublicClientApplication({
    auth: { clientId: config.clientId ?? "", ...(config.authority ? { authority: config.authority } : {}) },
    cache: { cacheLocation: "localStorage" },
  });
}

/** Demo mode: a platform session for the mailbox's owner, from the demo sign-in (the sandbox stands in for Microsoft). */
export function demoTokenSource(email: string, fetcher: typeof fetch = fetch): () => Promise<string> {
  let token: Promise<string> | undefined;
  return () => {
    token ??= (async () => {
      const response = await fetcher("/api/demo/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
      if (!response.ok) throw new AddinSignInError(`the demo sign-in answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    })();
    token.catch(() => (token = undefined));
    return token;
  };
}

/** The token source the server's configuration calls for. */
export function tokenSourceFor(config: AddinConfig, mailboxAddress: string): () => Promise<string> {
  return config.demo ? demoTokenSource(mailboxAddress) : microsoftTokenSource(config);
}
