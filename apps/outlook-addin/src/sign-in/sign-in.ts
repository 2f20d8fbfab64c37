import { PublicClientApplication } from "@azure/msal-browser";
import { fetchAddinConfig } from "../auth/api-token";
import type { SignInDialogAnswer } from "../auth/dialog-token";
import { msalConfiguration } from "../auth/msal-configuration";
import { languageOf, translate } from "../i18n/messages";
import { startDialogHost } from "../office/office-adapter";
import { signInInDialog } from "./dialog-sign-in";

// The sign-in dialog Office opens where it offers no nested app authentication: a page of its own, so MSAL's
// standard client (and its redirect sign-in) never weighs on the taskpane.
const status = document.getElementById("sign-in-status");
const show = (text: string) => {
  if (status) status.textContent = text;
};

const host = await startDialogHost((globalThis as { Office?: typeof Office }).Office);
const language = languageOf(host?.displayLanguage() ?? navigator.language);
document.documentElement.lang = language;
if (!host) {
  show(translate(language, "auth.noOffice"));
} else {
  show(translate(language, "auth.signingIn"));
  const answer = await signIn().catch((error: unknown): SignInDialogAnswer => ({
    error: error instanceof Error ? error.message : String(error),
  }));
  if (answer !== "redirecting") {
    if ("error" in answer) show(translate(language, "auth.failed", { message: answer.error }));
    host.messageParent(JSON.stringify(answer));
  }
}

async function signIn(): Promise<SignInDialogAnswer | "redirecting"> {
  const config = await fetchAddinConfig();
  if (!config.clientId || !config.apiScope)
    throw new Error("the server has no Microsoft application configured for the add-in");
  // This page is the redirect URI, registered as a single-page application: Microsoft sends the code back here.
  const msal = new PublicClientApplication(msalConfiguration(config, new URL(location.pathname, location.origin).href));
  await msal.initialize();
  return signInInDialog(msal, config.apiScope);
}
