import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** The tab's title names the page, as screen readers announce it on navigation. */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  const appName = t("app.name");
  useEffect(() => {
    document.title = `${title} · ${appName}`;
  }, [title, appName]);
}
