import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { languageOf, translate } from "./messages";

/** Every message path of a catalog, sorted. */
const pathsOf = (catalog: object, prefix = ""): string[] =>
  Object.entries(catalog)
    .flatMap(([key, value]) =>
      typeof value === "string" ? [`${prefix}${key}`] : pathsOf(value as object, `${prefix}${key}.`),
    )
    .sort();

describe("the taskpane's messages", () => {
  it("follow Outlook's display language, French unless English", () => {
    expect([
      languageOf("en-GB"),
      languageOf("EN-us"),
      languageOf("fr-FR"),
      languageOf("de-DE"),
      languageOf(undefined),
    ]).toEqual(["en", "en", "fr", "fr", "fr"]);
  });

  it("fill their placeholders, and leave unknown ones visible", () => {
    expect(translate("fr", "sync.idle", { email: "lea@x.fr" })).toBe("Synchronisé avec lea@x.fr");
    expect(translate("en", "current.learners", { count: 12 })).toBe("12 participant(s)");
    expect(translate("en", "sync.idle")).toBe("In sync with {{email}}");
  });

  it("exist in both languages, with the same placeholders", () => {
    expect(pathsOf(en)).toEqual(pathsOf(fr));
    for (const path of pathsOf(fr)) {
      const placeholders = (language: "fr" | "en") =>
        translate(language, path as Parameters<typeof translate>[1])
          .match(/\{\{\w+\}\}/g)
          ?.sort();
      expect(placeholders("en"), path).toEqual(placeholders("fr"));
    }
  });
});
