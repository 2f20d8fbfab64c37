import {
  InteractionRequiredAuthError,
  type AuthenticationResult,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import type { SignInDialogAnswer } from "../auth/dialog-token";

/**
 * The sign-in dialog's work, run at each load of its page: finish a sign-in Microsoft redirected back from, or take
 * the token from MSAL's cache (silently renewed), or leave for Microsoft's sign-in page ("redirecting": the page
 * unloads, and its next load finishes the job).
 */
export async function signInInDialog(
  msal: IPublicClientApplication,
  apiScope: string,
): Promise<SignInDialogAnswer | "redirecting"> {
  const redirected = await msal.handleRedirectPromise();
  if (redirected) {
    msal.setActiveAccount(redirected.account);
    return answerOf(redirected);
  }
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  if (account) {
    try {
      return answerOf(await msal.acquireTokenSilent({ scopes: [apiScope], account }));
    } catch (error) {
      // Refresh token expired or revoked, consent withdrawn: the person signs in again below.
      if (!(error instanceof InteractionRequiredAuthError)) throw error;
    }
  }
  await msal.loginRedirect({ scopes: [apiScope], ...(account ? { loginHint: account.username } : {}) });
  return "redirecting";
}

function answerOf(result: AuthenticationResult): SignInDialogAnswer {
  // Only a sign-in without a resource scope comes back undated; the pane must know when to renew.
  if (!result.accessToken || !result.expiresOn)
    throw new Error(`Microsoft returned no access token for ${result.scopes.join(" ")}`);
  return { accessToken: result.accessToken, expiresOn: result.expiresOn.toISOString() };
}
