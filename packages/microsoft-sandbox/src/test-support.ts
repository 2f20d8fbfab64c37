import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  type Configuration,
  CryptoProvider,
  LogLevel,
} from "@azure/msal-node";
import { DEMO_CLIENT, signInThroughAuthorizePage } from "./identity";
import type { Sandbox } from "./sandbox";

/** The demo app's first redirect URI: what the tests register their sign-ins against. */
export const REDIRECT_URI = "http://127.0.0.1:3000/auth/microsoft/callback";

/** A real MSAL confidential client pointed at the sandbox the way a product configures it. */
export function msalClient(
  sandbox: Sandbox,
  overrides: { auth?: Partial<Configuration["auth"]>; system?: Configuration["system"] } = {},
) {
  return new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_CLIENT.clientId,
      clientSecret: DEMO_CLIENT.secrets[0],
      authority: sandbox.authority("common"),
      knownAuthorities: [sandbox.knownAuthority],
      ...overrides.auth,
    },
    system: { loggerOptions: { logLevel: LogLevel.Error, loggerCallback: () => undefined }, ...overrides.system },
  });
}

/** The whole browser sign-in: MSAL's auth-code URL with PKCE, the sandbox's sign-in page, then MSAL's code redemption. */
export async function signInWithMsal(
  msal: ConfidentialClientApplication,
  userPrincipalName: string,
  scopes: string[] = ["Calendars.ReadWrite", "User.Read"],
): Promise<AuthenticationResult> {
  const cryptoProvider = new CryptoProvider();
  const pkce = await cryptoProvider.generatePkceCodes();
  // MSAL parses the state it gets back as base64 JSON, the format its samples build.
  const state = cryptoProvider.base64Encode(JSON.stringify({ csrf: crypto.randomUUID() }));
  const url = await msal.getAuthCodeUrl({
    scopes,
    redirectUri: REDIRECT_URI,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: "S256",
    state,
  });
  const { response } = await signInThroughAuthorizePage(url, { userPrincipalName });
  const code = response.get("code");
  if (!code) throw new Error(`No code: ${response.get("error_description") ?? response.toString()}`);
  return msal.acquireTokenByCode(
    { code, scopes, redirectUri: REDIRECT_URI, codeVerifier: pkce.verifier },
    { code, state: response.get("state") ?? undefined },
  );
}
