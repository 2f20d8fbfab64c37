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

/** The platform page of a formation: `{platformUrl}/agenda?formation={id}`, keeping any base path of the platform. */
export function formationLink(platformUrl: string, formationId: string): string {
  const url = new URL(`${platformUrl.replace(/\/+$/, "")}/agenda`);
  url.searchParams.set("formation", formationId);
  return url.toString();
}
