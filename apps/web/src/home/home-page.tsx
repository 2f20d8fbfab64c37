import { useTranslation } from "react-i18next";
import { useCurrentUser } from "../session/current-user";
import { usePageTitle } from "../ui/use-page-title";
import { CalendarWidget } from "./calendar-widget";

/** The learner's home ("Espace apprenant"): what is coming up, and whether Outlook is in sync. */
export function HomePage() {
  const { t } = useTranslation();
  usePageTitle(t("home.title"));
  const user = useCurrentUser();
  return (
    <div className="home-page">
      <h1>{t("home.title")}</h1>
      <p>{t("home.welcome", { name: user.name })}</p>
      <CalendarWidget timeZone={user.timeZone} />
    </div>
  );
}
