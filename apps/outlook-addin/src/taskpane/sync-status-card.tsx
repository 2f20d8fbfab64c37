import { Link, Text } from "@fluentui/react-components";
import { useTranslation } from "react-i18next";
import { trpc, type SyncStatus } from "../api/trpc";

const SETTINGS_URL = "/agenda/settings";

function statusLine(status: SyncStatus | undefined, t: ReturnType<typeof useTranslation>["t"]): string {
  if (!status) return t("sync.unknown");
  if (status.state === "idle") return t("sync.idle", { email: status.accountEmail ?? "" });
  return t(`sync.${status.state}`);
}

/** The integration's status, live over `sync.onStatus`; a way to connect Outlook when it is not yet. */
export function SyncStatusCard() {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const { data: status } = trpc.sync.onStatus.useSubscription(undefined, {
    // A finished sync may have changed where each formation stands.
    onData: (next) => next.state !== "syncing" && void utils.sync.formations.invalidate(),
  });
  const notConnected = status?.state === "not_connected";
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
