import * as z from "zod/mini";
import { AddinSignInError } from "./api-token";

/** A token is renewed this long before it expires, so no request leaves with one about to lapse. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

/** What the sign-in dialog sends with `messageParent`: the API token and its expiry, or why it could not. */
const dialogAnswer = z.union([
  z.object({ accessToken: z.string().check(z.minLength(1)), expiresOn: z.iso.datetime() }),
  z.object({ error: z.string() }),
]);
export type SignInDialogAnswer = z.infer<typeof dialogAnswer>;

export function parseSignInDialogAnswer(message: string): { accessToken: string; expiresOn: Date } {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new AddinSignInError("the sign-in dialog answered something other than JSON");
  }
  const answer = dialogAnswer.safeParse(json);
  if (!answer.success) throw new AddinSignInError("the sign-in dialog's answer is malformed");
  if ("error" in answer.data) throw new AddinSignInError(answer.data.error);
  return { accessToken: answer.data.accessToken, expiresOn: new Date(answer.data.expiresOn) };
}

/**
 * Tokens from the sign-in dialog, where Outlook offers no Nested App Authentication: kept in memory until shortly
 * before they expire, then the dialog opens again (MSAL's cache there makes that sign-in silent). Callers arriving
 * while the dialog is open share it: Office opens one dialog at a time.
 */
export function dialogTokenSource(
  openDialog: (url: string) => Promise<string>,
  pageUrl: string,
  now: () => number = Date.now,
): () => Promise<string> {
  let token: { value: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return () => {
    if (token && now() < token.renewAt) return Promise.resolve(token.value);
    pending ??= openDialog(pageUrl)
      .then((message) => {
        const { accessToken, expiresOn } = parseSignInDialogAnswer(message);
        token = { value: accessToken, renewAt: expiresOn.getTime() - RENEW_BEFORE_EXPIRY_MS };
        return accessToken;
      })
      .finally(() => (pending = undefined));
    return pending;
  };
}
