import { saveTextFile } from "@agenda/client/save-file";
import { Badge, Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useState } from "react";
import { useTranslation } from "../i18n/i18n";
import { formationsInOutlook, useApi, useApiQuery } from "../api/api-provider";
import { apiErrorCode, type FormationInOutlook } from "../api/trpc";
import type { OfficeAdapter } from "../office/office-adapter";
import { errorMessage } from "./error-message";
import { formationAppointmentFill } from "./formation-appointment";
import { Notice } from "./notice";

const useStyles = makeStyles({
  card: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    marginBlock: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

const STATE_COLOR = {
  in_outlook: "success",
  pending: "informative",
  not_exported: "subtle",
  removed_in_outlook: "warning",
  conflict: "danger",
  error: "danger",
} as const;

function FormationCard({
  formation,
  adapter,
  composing,
}: {
  formation: FormationInOutlook;
  adapter: OfficeAdapter;
  composing: boolean;
}) {
  const { t, language } = useTranslation();
  const styles = useStyles();
  const { api, queries } = useApi();
  const [notice, setNotice] = useState<{ intent: "success" | "error"; text: string } | null>(null);
  const [pushing, setPushing] = useState(false);
  const inOutlook = formation.outlookState === "in_outlook";
  const push = async () => {
    setNotice(null);
    setPushing(true);
    try {
      await api.sync.exportFormation.mutate({ formationId: formation.formationId });
      setNotice({ intent: "success", text: t("formations.pushed") });
    } catch (error) {
      setNotice({ intent: "error", text: errorMessage(error, t) });
    } finally {
      setPushing(false);
      queries.refresh(formationsInOutlook);
    }
  };
  const fill = async () => {
    try {
      await adapter.fillAppointment(
        formationAppointmentFill(formation, new URL("/agenda", location.origin).href, t("title")),
      );
      setNotice({ intent: "success", text: t("formations.filled", { title: formation.title }) });
    } catch (error) {
      setNotice({ intent: "error", text: errorMessage(error, t) });
    }
  };
  // The same event as in the person's calendar feed (one UID): a calendar holding both keeps one.
  const download = async () => {
    setNotice(null);
    try {
      const { filename, ics } = await api.feeds.formationIcs.query({ formationId: formation.formationId });
      saveTextFile(document, { name: filename, text: ics, type: "text/calendar" });
    } catch (error) {
      setNotice({ intent: "error", text: errorMessage(error, t) });
    }
  };
  const when = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(formation.startsAt),
  );
  return (
    <article role="listitem" aria-label={formation.title} data-testid="formation" className={styles.card}>
      <Text weight="semibold">{formation.title}</Text>
      <Text size={200}>{[when, formation.location].filter(Boolean).join(" · ")}</Text>
      <div>
        <Badge appearance="tint" color={STATE_COLOR[formation.outlookState]}>
          {t(`formations.state.${formation.outlookState}`)}
        </Badge>
      </div>
      <div className={styles.actions}>
        {/* Offered in every state: the server's push is idempotent, and rewrites a copy edited or removed in Outlook. */}
        <Button appearance={inOutlook ? "secondary" : "primary"} disabled={pushing} onClick={() => void push()}>
          {inOutlook ? t("formations.pushAgain") : t("formations.push")}
        </Button>
        {composing && <Button onClick={() => void fill()}>{t("formations.fill")}</Button>}
        <Button appearance="subtle" onClick={() => void download()}>
          {t("formations.addToCalendar")}
        </Button>
      </div>
      {notice && <Notice intent={notice.intent}>{notice.text}</Notice>}
    </article>
  );
}

/** The signed-in person's upcoming formations, where each stands in Outlook, and what can be done with each. */
export function FormationList({ adapter }: { adapter: OfficeAdapter }) {
  const { t } = useTranslation();
  const { queries } = useApi();
  const formations = useApiQuery(formationsInOutlook);
  const composing = adapter.itemKind() === "appointment-compose";
  if (formations.status === "pending") return <Spinner size="small" />;
  // The sync status says what to do about an account the platform does not know yet.
  if (formations.status === "error" && apiErrorCode(formations.error) === "MICROSOFT_ACCOUNT_UNKNOWN") return null;
  if (formations.status === "error") {
    return (
      <Notice intent="error">
        {errorMessage(formations.error, t)}{" "}
        <Button appearance="transparent" onClick={() => queries.refresh(formationsInOutlook)}>
          {t("office.retry")}
        </Button>
      </Notice>
    );
  }
  return (
    <section aria-labelledby="formations-heading">
      <Text as="h2" weight="semibold" id="formations-heading">
        {t("title")}
      </Text>
      {formations.data.length === 0 ? (
        <p>{t("formations.empty")}</p>
      ) : (
        <div role="list">
          {formations.data.map((formation) => (
            <FormationCard key={formation.eventId} formation={formation} adapter={adapter} composing={composing} />
          ))}
        </div>
      )}
    </section>
  );
}
