import { Button, Spinner } from "@fluentui/react-components";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "../i18n/i18n";
import type { OfficeAdapter, OfficeStart } from "../office/office-adapter";
import { Notice } from "./notice";

/** Renders the taskpane once Office answered from Outlook; says why not otherwise. */
export function OfficeGate({
  start,
  children,
}: {
  start: () => Promise<OfficeStart>;
  children: (adapter: OfficeAdapter) => ReactNode;
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<OfficeStart | null>(null);
  useEffect(() => {
    let current = true;
    void start().then((answer) => current && setOutcome(answer));
    return () => {
      current = false;
    };
  }, [start]);

  if (!outcome) return <Spinner label={t("office.waiting")} />;
  if (outcome.kind === "outlook") return children(outcome.adapter);
  return (
    <Notice intent={outcome.kind === "no-answer" ? "error" : "warning"} testId="office-problem">
      {outcome.kind === "no-answer" ? t("office.noAnswer") : t("office.outside")}{" "}
      {outcome.kind === "no-answer" && (
        <Button appearance="transparent" onClick={() => location.reload()}>
          {t("office.retry")}
        </Button>
      )}
    </Notice>
  );
}
