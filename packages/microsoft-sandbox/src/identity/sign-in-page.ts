import { html } from "hono/html";
import type { DirectoryUser } from "../directory";
import { describeScope } from "./scopes";

/** Sign-in form field names. Authorization-request parameters never use them, so both travel in one form. */
export const PAGE_FIELDS = { account: "account", login: "login", decision: "decision" } as const;

/** Above this many mailboxes the page lists the first ones and asks for the username of the others. */
const LISTED_ACCOUNTS = 50;

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f3f3f3; color: #1b1b1b; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; padding: 2rem; border: 1px solid #ccc; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  fieldset { border: 1px solid #ccc; margin: 0 0 1.5rem; padding: 1rem; }
  label { display: block; margin: .4rem 0; }
  input[type=email] { width: 100%; box-sizing: border-box; padding: .4rem; font-size: 1rem; }
  .hint { color: #505050; font-size: .9rem; }
  .error { border-left: 4px solid #a80000; background: #fde7e9; padding: .5rem 1rem; margin-bottom: 1rem; }
  button { font-size: 1rem; padding: .5rem 1.5rem; margin-right: .5rem; }
  button[value=accept] { background: #0067b8; color: #fff; border: 1px solid #0067b8; }
  :focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
`;

export interface SignInPageModel {
  action: string;
  appName: string;
  tenantLabel: string;
  /** The authorization request's parameters, carried through the form unchanged. */
  request: ReadonlyArray<[string, string]>;
  accounts: readonly DirectoryUser[];
  selectedAccountId: string | undefined;
  typedLogin: string | undefined;
  scopes: readonly string[];
  alreadyGranted: boolean;
  error: string | undefined;
}

/** One page for both steps Microsoft shows separately: pick (or type) the account, then approve the permissions. */
export function signInPage(model: SignInPageModel) {
  const listed = model.accounts.slice(0, LISTED_ACCOUNTS);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to ${model.appName} – Microsoft sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to ${model.appName}</h1>
<p class="hint">Microsoft identity platform sandbox · ${model.tenantLabel}. No password here: choose the mailbox to sign in as.</p>
${model.error ? html`<div class="error" role="alert" id="sign-in-error">${model.error}</div>` : ""}
<form method="post" action="${model.action}">
${model.request.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<fieldset>
<legend>Account</legend>
${listed.map(
  (user) =>
    html`<label><input type="radio" name="${PAGE_FIELDS.account}" value="${user.id}"${
      user.id === model.selectedAccountId ? html` checked` : ""
    }> ${user.displayName} &lt;${user.userPrincipalName}&gt;</label>`,
)}
${listed.length === 0 ? html`<p>No mailbox can sign in here yet.</p>` : ""}
${
  model.accounts.length > listed.length
    ? html`<p class="hint">${model.accounts.length - listed.length} more mailboxes are not listed: type the username.</p>`
    : ""
}
<label for="login">Or type a username</label>
<input type="email" id="login" name="${PAGE_FIELDS.login}" autocomplete="username" value="${model.typedLogin ?? ""}"${
    model.error ? html` aria-describedby="sign-in-error"` : ""
  }>
</fieldset>
<h2>${model.appName} would like to:</h2>
<ul>
${model.scopes.map((scope) => html`<li>${describeScope(scope)} <span class="hint">(${scope})</span></li>`)}
</ul>
${model.alreadyGranted ? html`<p class="hint">This account has already granted these permissions.</p>` : ""}
<button type="submit" name="${PAGE_FIELDS.decision}" value="accept">Accept</button>
<button type="submit" name="${PAGE_FIELDS.decision}" value="cancel">Cancel</button>
</form>
</main>
</body>
</html>`;
}

/** The page Microsoft shows when it cannot send the user back to the app (unknown app, unregistered redirect URI). */
export function errorPage(message: string) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sign in – Microsoft sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p role="alert">${message}</p>
</main>
</body>
</html>`;
}

/** `response_mode=form_post`: the browser posts the response to the redirect URI (a button when scripts are off). */
export function formPostPage(redirectUri: string, fields: ReadonlyArray<[string, string]>) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Working...</title>
</head>
<body>
<form method="post" action="${redirectUri}">
${fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript>
</form>
<script>document.forms[0].submit();</script>
</body>
</html>`;
}

/** What Microsoft shows after a sign-out that has no registered `post_logout_redirect_uri` to return to. */
export function signedOutPage() {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Signed out – Microsoft sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>You signed out of your account</h1>
<p>It's a good idea to close all browser windows.</p>
</main>
</body>
</html>`;
}
