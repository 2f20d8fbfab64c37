import { useId } from "react";
import { useTranslation } from "react-i18next";
import { chooseLanguage, currentLanguage, LANGUAGES, type Language } from "../i18n/i18n";

export function LanguageSwitcher() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id}>{t("language.label")}</label>
      <select id={id} value={currentLanguage()} onChange={(event) => chooseLanguage(event.target.value as Language)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {t(`language.${language}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
