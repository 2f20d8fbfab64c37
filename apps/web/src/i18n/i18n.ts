import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { fr } from "./fr";

export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const CHOSEN_LANGUAGE_KEY = "agenda.language";

const isLanguage = (value: string | null | undefined): value is Language =>
  LANGUAGES.some((language) => language === value);

/** The language the person picked with the switcher, which wins over their platform profile's. */
function chosenLanguage(): Language | null {
  const chosen = localStorage.getItem(CHOSEN_LANGUAGE_KEY);
  return isLanguage(chosen) ? chosen : null;
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : "fr";
}

export function chooseLanguage(language: Language): void {
  localStorage.setItem(CHOSEN_LANGUAGE_KEY, language);
  void i18n.changeLanguage(language);
}

/** After sign-in: the profile's language, unless the person already picked one here. */
export function adoptProfileLanguage(locale: string): void {
  if (!chosenLanguage() && isLanguage(locale)) void i18n.changeLanguage(locale);
}

i18n.on("languageChanged", (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: chosenLanguage() ?? "fr",
  fallbackLng: "fr",
  supportedLngs: LANGUAGES,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
  // The resources are bundled: ready before the first render.
  initAsync: false,
});

export { i18n };
