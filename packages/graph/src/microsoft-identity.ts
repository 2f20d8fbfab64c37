import {
  AuthError,
  ConfidentialClientApplication,
  CryptoProvider,
  LogLevel,
  type Configuration,
  type INetworkModule,
  type NetworkResponse,
} from "@azure/msal-node";
import { networkFailureOf } from "./graph-middleware";

/** Delegated permissions the product asks for; MSAL adds openid, profile and offline_access (the refresh token). */
export const GRAPH_SCOPES = ["Calendars.ReadWrite", "User.Read"];

export interface MicrosoftIdentityConfig {
  clientId: string;
  clientSecret: string;
  /** `https://login.microsoftonline.com/{tenant}`, or the sandbox's `https://127.0.0.1:{port}/{tenant}`. */
  authority: string;
  /** `host:port` of a non-Microsoft authority MSAL may trust without online instance discovery (the sandbox). */
  knownAuthorities?: string[];
  redirectUri: string;
}

/** A Microsoft account just connected: who it is, what it granted, and MSAL's token cache to keep (encrypted). */
export interface ConnectedAccount {
  homeAccountId: string;
  tenantId: string;
  objectId: string;
  username: string;
  name: string | null;
  scopes: string[];
  accessToken: string;
  expiresOn: Date;
  tokenCache: string;
}

export interface AccessToken {
  accessToken: string;
  expiresOn: Date;
  /** The cache after the call; differs from the one given when tokens were refreshed. */
  tokenCache: string;
}

/**
 * Why Microsoft refused. `reauthRequired`: the grant is gone (revoked consent, expired or revoked refresh token,
 * password change): only the user can fix it by connecting again. `transient`: worth retrying later.
 * `unreachable`: Microsoft could not be reached (refused connection, DNS, TLS, no answer in time): it refused nothing.
 */
export type MicrosoftAuthFailure =
  | "reauthRequired"
  | "invalidClient"
  | "redirectUriMismatch"
  | "consentRequired"
  | "invalidGrant"
  | "transient"
  | "unreachable"
  | "other";

export class MicrosoftAuthError extends Error {
  constructor(
    readonly failure: MicrosoftAuthFailure,
    /** The AADSTS error number, e.g. 50173, when Microsoft gave one. */
    readonly aadsts: number | undefined,
    /** Microsoft's description without trace and correlation ids: safe to store and show. */
    readonly description: string,
  ) {
    super(`${failure}${aadsts ? ` (AADSTS${aadsts})` : ""}: ${description}`);
    this.name = "MicrosoftAuthError";
  }
}

const REAUTH_CODES = new Set([50173, 700082, 70008, 50076, 50078, 50079, 70043, 65001, 50132, 50133, 50140]);

/** How long one request to the identity platform may go unanswered before Microsoft counts as unreachable. */
const IDENTITY_TIMEOUT_MS = 10_000;

/**
 * MSAL's requests, each given up after `IDENTITY_TIMEOUT_MS`: MSAL's own client sends those to the token endpoint
 * without a timeout, so a network that swallows them would hold a refresh, and the user waiting on it, for minutes.
 * A request that got no answer rejects with a plain error, which MSAL reports as its `network_error`.
 */
const timedNetworkClient: INetworkModule = {
  sendGetRequestAsync: (url, options, timeout) => sendIdentityRequest(url, { headers: options?.headers }, timeout),
  sendPostRequestAsync: (url, options) =>
    sendIdentityRequest(url, { method: "POST", headers: options?.headers, body: options?.body }),
};

async function sendIdentityRequest<T>(
  url: string,
  init: RequestInit,
  timeoutMs = IDENTITY_TIMEOUT_MS,
): Promise<NetworkResponse<T>> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  try {
    return { headers: Object.fromEntries(response.headers), body: JSON.parse(text) as T, status: response.status };
  } catch {
    // An answer that is not JSON (a proxy's error page): Microsoft answered, it is no network failure.
    throw new AuthError("token_parsing_error", `Failed to parse response (${response.status})`);
  }
}

/** Turns whatever MSAL threw into a failure the product can act on. */
export function classifyMsalError(error: unknown): MicrosoftAuthError {
  if (error instanceof MicrosoftAuthError) return error;
  if (!(error instanceof AuthError))
    return new MicrosoftAuthError("transient", undefined, error instanceof Error ? error.message : String(error));
  if (error.errorCode === "network_error")
    return new MicrosoftAuthError("unreachable", undefined, "Microsoft's identity platform could not be reached");
  const aadstsMatch = /AADSTS(\d+)/.exec(error.errorMessage);
  const aadsts = aadstsMatch ? Number(aadstsMatch[1]) : undefined;
  // MSAL wraps Microsoft's description ("Error(s): … Description: AADSTS…: text Trace ID: … Correlation ID: …"):
  // the text alone is what users and the audit log get; trace ids are support detail.
  const described = /Description:\s*([\s\S]*)/.exec(error.errorMessage)?.[1] ?? error.errorMessage;
  const description = (described.split(/\s*(?:Trace ID|Correlation ID|Timestamp):/)[0] ?? "").trim() || error.errorCode;
  const code = error.errorCode;
  if (code === "invalid_client" || aadsts === 7000215 || aadsts === 70002 || aadsts === 700016)
    return new MicrosoftAuthError("invalidClient", aadsts, description);
  if (aadsts === 50011 || aadsts === 500113) return new MicrosoftAuthError("redirectUriMismatch", aadsts, description);
  if (code === "consent_required" || aadsts === 65001)
    return new MicrosoftAuthError("consentRequired", aadsts, description);
  if (aadsts !== undefined && REAUTH_CODES.has(aadsts))
    return new MicrosoftAuthError("reauthRequired", aadsts, description);
  if (code === "interaction_required" || code === "no_tokens_found" || code === "login_required")
    return new MicrosoftAuthError("reauthRequired", aadsts, description);
  if (code === "invalid_grant") return new MicrosoftAuthError("invalidGrant", aadsts, description);
  if (
    code === "temporarily_unavailable" ||
    code === "server_error" ||
    /network|ECONN|ETIMEDOUT|timed? ?out/i.test(`${code} ${error.errorMessage}`)
  ) {
    return new MicrosoftAuthError("transient", aadsts, description);
  }
  return new MicrosoftAuthError("other", aadsts, description);
}

/**
 * The product's Microsoft identity client (auth code + PKCE, silent refresh) over `@azure/msal-node`.
 * Every token operation runs on a fresh MSAL instance holding one account's cache, so accounts never mix; the
 * authority metadata is fetched once and reused.
 */
export class MicrosoftIdentity {
  readonly #crypto = new CryptoProvider();
  #authorityMetadata: Promise<string> | undefined;

  constructor(readonly config: MicrosoftIdentityConfig) {}

  async #application(): Promise<ConfidentialClientApplication> {
    this.#authorityMetadata ??= this.#fetchAuthorityMetadata().catch((error: unknown) => {
      this.#authorityMetadata = undefined;
      throw error;
    });
    const configuration: Configuration = {
      auth: {
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        authority: this.config.authority,
        knownAuthorities: this.config.knownAuthorities,
        authorityMetadata: await this.#authorityMetadata,
      },
      // MSAL logs nothing unless asked; errors reach the caller as exceptions, never as token-bearing logs.
      system: {
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
        networkClient: timedNetworkClient,
      },
    };
    return new ConfidentialClientApplication(configuration);
  }

  async #fetchAuthorityMetadata(): Promise<string> {
    const url = `${this.config.authority.replace(/\/$/, "")}/v2.0/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(IDENTITY_TIMEOUT_MS) }).catch((error: unknown) => {
      const reason = networkFailureOf(error);
      throw reason === undefined
        ? error
        : new MicrosoftAuthError("unreachable", undefined, `${new URL(url).origin} unreachable: ${reason}`);
    });
    if (!response.ok)
      throw new MicrosoftAuthError("transient", undefined, `authority metadata answered ${response.status} at ${url}`);
    return response.text();
  }

  /** The Microsoft sign-in URL for a new connection, with its PKCE verifier to keep server-side until the callback. */
  async beginAuthorization(options: {
    state: string;
    loginHint?: string;
  }): Promise<{ url: string; codeVerifier: string }> {
    const { verifier, challenge } = await this.#crypto.generatePkceCodes();
    try {
      const url = await (
        await this.#application()
      ).getAuthCodeUrl({
        scopes: GRAPH_SCOPES,
        redirectUri: this.config.redirectUri,
        state: options.state,
        codeChallenge: challenge,
        codeChallengeMethod: "S256",
        loginHint: options.loginHint,
        prompt: "select_account",
      });
      return { url, codeVerifier: verifier };
    } catch (error) {
      throw classifyMsalError(error);
    }
  }

  /** Redeems the authorization code of the callback. */
  async redeemCode(options: { code: string; codeVerifier: string }): Promise<ConnectedAccount> {
    try {
      const application = await this.#application();
      const result = await application.acquireTokenByCode({
        code: options.code,
        codeVerifier: options.codeVerifier,
        scopes: GRAPH_SCOPES,
        redirectUri: this.config.redirectUri,
      });
      const account = result.account;
      if (!account || !result.expiresOn)
        throw new MicrosoftAuthError("other", undefined, "Microsoft answered without an account");
      return {
        homeAccountId: account.homeAccountId,
        tenantId: account.tenantId,
        objectId: account.localAccountId,
        username: account.username,
        name: account.name ?? null,
        scopes: result.scopes,
        accessToken: result.accessToken,
        expiresOn: result.expiresOn,
        tokenCache: application.getTokenCache().serialize(),
      };
    } catch (error) {
      throw classifyMsalError(error);
    }
  }

  /**
   * An access token for the account in `tokenCache`: the cached one while it is valid for 5 more minutes, else a new
   * one through the refresh token (MSAL's own rule). `forceRefresh` after Graph refused a token as expired.
   */
  async acquireToken(
    tokenCache: string,
    homeAccountId: string,
    options: { forceRefresh?: boolean } = {},
  ): Promise<AccessToken> {
    try {
      const application = await this.#application();
      const cache = application.getTokenCache();
      cache.deserialize(tokenCache);
      const account = await cache.getAccountByHomeId(homeAccountId);
      if (!account) throw new MicrosoftAuthError("reauthRequired", undefined, "no account in the token cache");
      const result = await application.acquireTokenSilent({
        account,
        scopes: GRAPH_SCOPES,
        forceRefresh: options.forceRefresh,
      });
      if (!result.expiresOn) throw new MicrosoftAuthError("other", undefined, "Microsoft answered without an expiry");
      return { accessToken: result.accessToken, expiresOn: result.expiresOn, tokenCache: cache.serialize() };
    } catch (error) {
      throw classifyMsalError(error);
    }
  }
}
