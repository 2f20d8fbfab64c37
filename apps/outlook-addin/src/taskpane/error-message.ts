import { TRPCClientError } from "@trpc/client";
import { AddinSignInError } from "../auth/api-token";
import type { Translate } from "../i18n/i18n";
import { OfficeDialogError } from "../office/office-adapter";

/**
 * What the person reads about a failure: the sign-in's own words (a dialog they closed, one Outlook could not open),
 * else the server's message, already in their language. A failed sign-in reaches the components wrapped in the API
 * client's error, as the request's cause.
 */
export function errorMessage(error: unknown, t: Translate): string {
  const failure = error instanceof TRPCClientError && error.cause ? error.cause : error;
  if (failure instanceof OfficeDialogError && failure.reason === "closed") return t("auth.dialogClosed");
  if (failure instanceof OfficeDialogError && failure.reason === "blocked") return t("auth.dialogBlocked");
  if (failure instanceof OfficeDialogError || failure instanceof AddinSignInError)
    return t("auth.failed", { message: failure.message });
  return t("errors.unexpected", { message: failure instanceof Error ? failure.message : String(failure) });
}
