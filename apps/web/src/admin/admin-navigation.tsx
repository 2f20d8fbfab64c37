import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

/** The administration's pages, atop each of them. */
export function AdminNavigation() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("adminNav.label")} className="admin-navigation">
      <ul>
        <li>
          <NavLink to="/admin/calendar-settings">{t("adminNav.integrations")}</NavLink>
        </li>
        <li>
          <NavLink to="/admin/audit-log">{t("adminNav.auditLog")}</NavLink>
        </li>
        <li>
          <NavLink to="/admin/service-tokens">{t("adminNav.serviceTokens")}</NavLink>
        </li>
      </ul>
    </nav>
  );
}
