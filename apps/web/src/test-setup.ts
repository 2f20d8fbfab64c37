import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { i18n } from "./i18n/i18n";

// Every test starts in French, the default language, with nothing remembered from the one before.
beforeEach(async () => {
  localStorage.clear();
  await i18n.changeLanguage("fr");
});
afterEach(cleanup);
