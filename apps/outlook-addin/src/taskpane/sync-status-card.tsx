import { Link, Text } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { formationsInOutlook, useApi } from "../api/api-provider";
import { apiErrorCode, type SyncStatus } from "../api/trpc";
import { useTranslation, type Translate } from "../i18n/i18n";

const SETTINGS_URL = "/agenda/settings";

/** A Microsoft account the platform does not know yet: the person has not connected this Outlook to their agenda. */
const UNLINKED = "unlinked";

function statusLine(status: SyncStatus | typeof UNLINKED | undefined, t: Translate): string {
  if (status === UNLINKED) return t("sync.unlinked");
  if (!status) return t("sync.unknown");
  if (status.state === "idle") return t("sync.idle", { email: status.accountEmail ?? "" });
  return t(`sync.${status.state}`);
}

/** The integration's status, live over `sync.onStatus`; a way to connect Outlook when it is not yet. */
export function SyncStatusCard() {
  const { t } = useTranslation();
  const { api, queries } = useApi();
  const [status, setStatus] = useState<SyncStatus | typeof UNLINKED>();
  useEffect(() => {
    const subscription = api.sync.onStatus.subscribe(undefined, {
      onData: (next) => {
        setStatus(next);
        // A finished sync may have changed where each formation stands.
        if (next.state !== "syncing") queries.refresh(formationsInOutlook);
      },
      onError: (error) => setStatus(apiErrorCode(error) === "MICROSOFT_ACCOUNT_UNKNOWN" ? UNLINKED : undefined),
    });
    return () => subscription.unsubscribe();
  }, [api, queries]);
  const notConnected = status === UNLINKED || status?.state === "not_connected";
  return (
    <section aria-labelledby="sync-heading" data-testid="sync-status">
      <Text as="h2" weight="semibold" id="sync-heading">
        {t("sync.heading")}
      </Text>
      <p>{statusLine(status, t)}</p>
      <Link href={new URL(SETTINGS_URL, location.origin).href} target="_blank" rel="noreferrer">
        {notConnected ? t("sync.connect") : t("sync.settings")}
      </Link>
    </section>
  );
}
