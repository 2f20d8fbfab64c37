import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { fr } from "./fr";

export type Language = "fr" | "en";

/** Outlook's display language (`fr-FR`, `en-GB`…) as one of the taskpane's: French unless it is English. */
export function languageOf(displayLanguage: string | undefined): Language {
  return displayLanguage?.toLowerCase().startsWith("en") ? "en" : "fr";
}

export function switchLanguage(language: Language): void {
  void i18n.changeLanguage(language);
}

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: languageOf(navigator.language),
  fallbackLng: "fr",
  interpolation: { escapeValue: false },
  initAsync: false,
});

i18n.on("languageChanged", (language) => {
  document.documentElement.lang = language;
});

export { i18n };
