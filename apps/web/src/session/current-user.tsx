import { createContext, useContext, useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import type { SignedInUser } from "../api/trpc";
import { adoptProfileLanguage } from "../i18n/i18n";
import { ErrorAlert } from "../ui/error-alert";
import { useMe } from "./use-me";
import { useSessionToken } from "./use-session-token";

const CurrentUserContext = createContext<SignedInUser | null>(null);

/** The signed-in person (role, locale, time zone), for any component under `RequireUser`. */
export function useCurrentUser(): SignedInUser {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error("useCurrentUser is only available under <RequireUser>");
  return user;
}

/** Renders its children for a signed-in person; sends anyone else to sign in, then back here. */
export function RequireUser({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const token = useSessionToken();
  const location = useLocation();
  const me = useMe(token);
  const user = me.data?.kind === "user" ? me.data : null;

  useEffect(() => {
    if (user) adoptProfileLanguage(user.locale);
  }, [user]);

  if (!token)
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (me.error) return <ErrorAlert error={me.error} />;
  if (!me.data) return <p role="status">{t("app.loading")}</p>;
  if (!user) return <p role="alert">{t("errors.unexpected")}</p>;
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}
