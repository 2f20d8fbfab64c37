import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { languageOf, LanguageProvider } from "./i18n/i18n";
import { startOffice } from "./office/office-adapter";
import { Addin } from "./taskpane/addin";
import { OfficeGate } from "./taskpane/office-gate";

const root = document.getElementById("root");
if (!root) throw new Error("taskpane.html has no #root element");
// office.js defines the global when it loaded at all; a blocked office.js leaves it undefined.
const start = () => startOffice((globalThis as { Office?: typeof Office }).Office);

createRoot(root).render(
  <StrictMode>
    <LanguageProvider initial={languageOf(navigator.language)}>
      <FluentProvider theme={webLightTheme}>
        <OfficeGate start={start}>{(adapter) => <Addin adapter={adapter} />}</OfficeGate>
      </FluentProvider>
    </LanguageProvider>
  </StrictMode>,
);
