import { en } from "./en";
import { fr, type Messages } from "./fr";

export type Language = "fr" | "en";

/** Outlook's display language (`fr-FR`, `en-GB`…) as one of the taskpane's: French unless it is English. */
export function languageOf(displayLanguage: string | undefined): Language {
  return displayLanguage?.toLowerCase().startsWith("en") ? "en" : "fr";
}

/** `"sync.idle"`, `"formations.state.conflict"`…: every path to a message. */
type MessageKeys<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : MessageKeys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = MessageKeys<Messages>;

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const CATALOGS: Record<Language, Messages> = { fr, en };

/**
 * The message for `key` in `language`, `{{name}}` placeholders filled. A dozen strings do not need i18next, and the
 * taskpane's bundle has a budget (see bench/).
 */
export function translate(language: Language, key: MessageKey, values: Record<string, string | number> = {}): string {
  const message = key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], CATALOGS[language]);
  return String(message).replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}
