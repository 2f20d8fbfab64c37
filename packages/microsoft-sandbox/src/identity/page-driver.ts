import { PAGE_FIELDS } from "./sign-in-page";

/** What the app would receive at its redirect URI after the sign-in page. */
export interface AuthorizePageResult {
  /** The redirect URI the response went to, with no query or fragment. */
  redirectUri: string;
  /** The authorization response: `code`, `state`... or `error`, `error_description`... */
  response: URLSearchParams;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&quot;": '"', "&#39;": "'", "&lt;": "<", "&gt;": ">" };

function unescapeHtml(value: string): string {
  return value.replace(/&(?:amp|quot|#39|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

function formOf(page: string): { action: string; fields: Array<[string, string]> } | undefined {
  const action = page.match(/<form method="post" action="([^"]*)">/)?.[1];
  if (action === undefined) return undefined;
  // Void elements may be written `<input ...>` or `<input ... />` (as Prettier formats the page's template).
  const fields = [...page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\s*\/?>/g)].map(
    ([, name, value]) => [unescapeHtml(name ?? ""), unescapeHtml(value ?? "")] as [string, string],
  );
  return { action: unescapeHtml(action), fields };
}

/** The app's view of an authorize-endpoint answer: a redirect, or a self-posting form (response_mode=form_post). */
function authorizationResponse(status: number, location: string | null, page: string): AuthorizePageResult | undefined {
  if (status === 302 && location) {
    const url = new URL(location);
    const fragment = url.hash.slice(1);
    const response = fragment ? new URLSearchParams(fragment) : new URLSearchParams(url.search);
    url.hash = "";
    url.search = "";
    return { redirectUri: url.toString(), response };
  }
  const form = page.includes("document.forms[0].submit()") ? formOf(page) : undefined;
  return form ? { redirectUri: form.action, response: new URLSearchParams(form.fields) } : undefined;
}

function alertOf(page: string): string | undefined {
  const text = page.match(/role="alert"[^>]*>([^<]*)</)?.[1];
  return text === undefined ? undefined : unescapeHtml(text);
}

/**
 * Drives the sandbox's sign-in page the way a person in a browser would: opens the authorization URL, types the
 * account's username, presses Accept (or Cancel), and returns what the app's redirect URI receives. Requests
 * that need no page (`prompt=none`, errors sent to the app) come back directly. Throws when a page shows an error.
 */
export async function signInThroughAuthorizePage(
  authorizeUrl: string,
  choice: { userPrincipalName: string; decision?: "accept" | "cancel" },
): Promise<AuthorizePageResult> {
  const first = await fetch(authorizeUrl, { redirect: "manual" });
  const page = await first.text();
  const direct = authorizationResponse(first.status, first.headers.get("location"), page);
  if (direct) return direct;
  const form = formOf(page);
  if (!form) throw new Error(`The authorize endpoint answered ${first.status}: ${alertOf(page) ?? page.slice(0, 300)}`);
  const body = new URLSearchParams(form.fields);
  body.set(PAGE_FIELDS.login, choice.userPrincipalName);
  body.set(PAGE_FIELDS.decision, choice.decision ?? "accept");
  const submitted = await fetch(new URL(form.action, authorizeUrl), { method: "POST", body, redirect: "manual" });
  const answer = await submitted.text();
  const result = authorizationResponse(submitted.status, submitted.headers.get("location"), answer);
  if (result) return result;
  throw new Error(`The sign-in page refused the sign-in: ${alertOf(answer) ?? `HTTP ${submitted.status}`}`);
}
