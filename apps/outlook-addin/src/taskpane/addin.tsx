import { Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiProvider } from "../api/api-provider";
import { fetchAddinConfig, tokenSourceFor } from "../auth/api-token";
import { languageOf, switchLanguage } from "../i18n/i18n";
import type { OfficeAdapter } from "../office/office-adapter";
import { Notice } from "./notice";
import { Taskpane } from "./taskpane";

/** The taskpane in Outlook's language, signed in the way the server's configuration says. */
export function Addin({ adapter }: { adapter: OfficeAdapter }) {
  const { t } = useTranslation();
  const [tokens, setTokens] = useState<{ getApiToken: () => Promise<string> } | { error: string } | null>(null);
  useEffect(() => {
    switchLanguage(languageOf(adapter.displayLanguage()));
    fetchAddinConfig()
      .then((config) => setTokens({ getApiToken: tokenSourceFor(config, adapter.mailboxAddress()) }))
      .catch((error: unknown) => setTokens({ error: error instanceof Error ? error.message : String(error) }));
  }, [adapter]);
  if (!tokens) return <Spinner size="small" />;
  if ("error" in tokens) {
    return <Notice intent="error">{t("errors.signIn", { message: tokens.error })}</Notice>;
  }
  return (
    <ApiProvider getApiToken={tokens.getApiToken}>
      <Taskpane adapter={adapter} />
    </ApiProvider>
  );
}
