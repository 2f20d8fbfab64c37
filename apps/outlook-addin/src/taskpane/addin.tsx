import { Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { ApiProvider } from "../api/api-provider";
import { fetchAddinConfig, tokenSourceFor } from "../auth/api-token";
import { languageOf, useLanguage, useTranslation } from "../i18n/i18n";
import type { OfficeAdapter } from "../office/office-adapter";
import { Notice } from "./notice";
import { Taskpane } from "./taskpane";

/** The taskpane in Outlook's language, signed in the way the server's configuration says. */
export function Addin({ adapter }: { adapter: OfficeAdapter }) {
  const { t } = useTranslation();
  const { setLanguage } = useLanguage();
  const [tokens, setTokens] = useState<{ getApiToken: () => Promise<string> } | { error: string } | null>(null);
  useEffect(() => {
    setLanguage(languageOf(adapter.displayLanguage()));
    fetchAddinConfig()
      .then((config) => setTokens({ getApiToken: tokenSourceFor(config, adapter) }))
      .catch((error: unknown) => setTokens({ error: error instanceof Error ? error.message : String(error) }));
  }, [adapter, setLanguage]);
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
