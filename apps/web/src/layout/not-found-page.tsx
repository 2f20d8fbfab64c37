import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { usePageTitle } from "../ui/use-page-title";

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t("notFound.title"));
  return (
    <div className="narrow-page">
      <h1>{t("notFound.title")}</h1>
      <p>
        <Link to="/agenda">{t("notFound.back")}</Link>
      </p>
    </div>
  );
}
