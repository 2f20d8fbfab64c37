import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { useCurrentUser } from "../session/current-user";
import { useSignOut } from "../session/use-session-actions";

export function MainNavigation() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const signOut = useSignOut();
  return (
    <>
      <nav aria-label={t("app.mainNavigation")} className="main-navigation">
        <ul>
          <li>
            <NavLink to="/" end>
              {t("nav.home")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/agenda" end>
              {t("nav.agenda")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/agenda/settings">{t("nav.settings")}</NavLink>
          </li>
          {user.role !== "learner" && (
            <li>
              <NavLink to="/planning">{t("nav.planning")}</NavLink>
            </li>
          )}
          {user.role === "admin" && (
            <li>
              <NavLink to="/admin/calendar-settings">{t("nav.admin")}</NavLink>
            </li>
          )}
        </ul>
      </nav>
      <div className="user-menu">
        <span>{t("app.signedInAs", { name: user.name })}</span>
        <button type="button" className="button-secondary" onClick={signOut}>
          {t("app.signOut")}
        </button>
      </div>
    </>
  );
}
