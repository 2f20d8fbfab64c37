import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { i18n } from "./i18n/i18n";

beforeEach(async () => {
  await i18n.changeLanguage("fr");
});
afterEach(cleanup);
