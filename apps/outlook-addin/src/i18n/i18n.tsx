import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { translate, type Language, type Translate } from "./messages";

export { languageOf, translate, type Language, type MessageKey, type Translate } from "./messages";

const LanguageContext = createContext<{ language: Language; setLanguage: (language: Language) => void }>({
  language: "fr",
  setLanguage: () => undefined,
});

/** The taskpane's language, the browser's until Outlook says its own (`setLanguage`). */
export function LanguageProvider({ initial, children }: { initial: Language; children: ReactNode }) {
  const [language, setLanguage] = useState(initial);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(() => ({ language, setLanguage }), [language]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage() {
  return useContext(LanguageContext);
}

export function useTranslation(): { t: Translate; language: Language } {
  const { language } = useContext(LanguageContext);
  return useMemo(() => ({ t: (key, values) => translate(language, key, values), language }), [language]);
}
