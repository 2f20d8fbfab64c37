import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { adoptProfileLanguage, i18n } from "../i18n/i18n";
import { LanguageSwitcher } from "./language-switcher";

describe("LanguageSwitcher", () => {
  it("switches the interface's language and remembers the choice over the profile's", async () => {
    render(<LanguageSwitcher />);
    await userEvent.selectOptions(screen.getByLabelText("Langue"), "en");
    expect(i18n.language).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    expect(screen.getByLabelText("Language")).toBeTruthy();

    adoptProfileLanguage("fr");
    expect(i18n.language).toBe("en");
  });

  it("follows the profile's language when nothing was chosen", () => {
    adoptProfileLanguage("en");
    expect(i18n.language).toBe("en");
  });
});
