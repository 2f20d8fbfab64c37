import { useTranslation } from "react-i18next";
import { usePageTitle } from "../ui/use-page-title";
import { CalendarFeedCard } from "./calendar-feed-card";
import { OutlookConnectionCard } from "./outlook-connection-card";
import { SyncActivitySection } from "./sync-activity-section";
import { useOutlookIntegration } from "./use-outlook-integration";

/** "Paramètres calendrier". */
export function CalendarSettingsPage() {
  const { t } = useTranslation();
  usePageTitle(t("settings.title"));
  const { integration } = useOutlookIntegration();
  return (
    <div className="settings-page">
      <h1>{t("settings.title")}</h1>
      <p>{t("settings.intro")}</p>
      <OutlookConnectionCard />
      <CalendarFeedCard />
      <SyncActivitySection integration={integration} />
    </div>
  );
}
