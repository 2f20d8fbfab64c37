import { describe, expect, it } from "vitest";
import { listEventsInput } from "@agenda/domain/events";
import { localeFromAcceptLanguage, validationIssues } from "./i18n";

describe("localeFromAcceptLanguage", () => {
  it.each([
    [undefined, "fr"],
    ["", "fr"],
    ["en-US,en;q=0.9", "en"],
    ["de-DE,en;q=0.5,fr;q=0.8", "fr"],
    ["de-DE,en;q=0.5", "en"],
    ["fr-CA", "fr"],
    ["en;q=0", "fr"],
  ])("%s → %s", (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});

describe("validationIssues", () => {
  it("translates our refinements and zod's own messages", () => {
    const inverted = listEventsInput.safeParse({ from: "2026-12-10T00:00:00Z", to: "2026-12-01T00:00:00Z" });
    const missing = listEventsInput.safeParse({ from: 20261210 });
    if (inverted.success || missing.success) throw new Error("both inputs are invalid");
    expect(validationIssues("en", inverted.error)).toEqual([
      { path: "to", message: "the end of the range must come after its start." },
    ]);
    expect(validationIssues("fr", inverted.error)).toEqual([
      { path: "to", message: "la fin de la période doit suivre son début." },
    ]);
    expect(validationIssues("fr", missing.error)[0]?.message).toMatch(/attendu/);
    expect(validationIssues("en", missing.error)[0]?.message).toMatch(/expected/i);
  });
});
