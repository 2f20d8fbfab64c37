/**
 * The URL when it may become a link people click: `https:` and no user name or password in it; else null. Data from
 * Outlook or from other apps can hold `javascript:` (script run on click), plain `http:` (read and changed on the
 * way) or `https://user:password@…` URLs. This module imports nothing on purpose: the web app bundles it.
 */
export function httpsUrlOrNull(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.username === "" && url.password === "" ? value : null;
  } catch {
    return null;
  }
}
