import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "./language-switcher";

/** The frame of every page: skip link, banner (with whatever navigation the page has), then the main content. */
export function AppShell({ navigation, children }: { navigation?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <header className="app-header">
        <span className="app-name">{t("app.name")}</span>
        {navigation}
        <LanguageSwitcher />
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
