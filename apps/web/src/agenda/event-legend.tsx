import { useTranslation } from "react-i18next";
import { EVENT_SOURCES, sourceClassName } from "./calendar-events";

export function EventLegend() {
  const { t } = useTranslation();
  return (
    <section className="legend" aria-labelledby="legend-title">
      <h2 id="legend-title" className="legend-title">
        {t("legend.title")}
      </h2>
      <ul>
        {EVENT_SOURCES.map((source) => (
          <li key={source}>
            <span className={`legend-swatch ${sourceClassName(source)}`} aria-hidden="true" />
            {t(`legend.${source}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}
