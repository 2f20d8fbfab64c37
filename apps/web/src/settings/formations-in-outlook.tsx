import { httpsUrlOrNull } from "@agenda/domain/links";
import { useTranslation } from "react-i18next";
import { outlookWebLink } from "../agenda/outlook-link";
import { formatEventWhen } from "../format/date-format";
import type { SyncFormation } from "../sync/sync-types";
import { useExportFormation, useSyncFormations } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";
import { ScrollableTable } from "../ui/scrollable-table";

interface FormationsTableProps {
  formations: readonly SyncFormation[];
  timeZone: string;
  exportingId: string | null;
  onExport: (formation: SyncFormation) => void;
}

/** Each formation, its Outlook state, and what can be done about it. */
export function FormationsTable({ formations, timeZone, exportingId, onExport }: FormationsTableProps) {
  const { t, i18n } = useTranslation();
  if (formations.length === 0) return <p>{t("formationsInOutlook.empty")}</p>;
  return (
    <ScrollableTable
      labelledBy="formations-title"
      columns={[
        t("formationsInOutlook.formation"),
        t("formationsInOutlook.when"),
        t("formationsInOutlook.location"),
        t("formationsInOutlook.state"),
        t("formationsInOutlook.action"),
      ]}
    >
      {formations.map((formation) => (
        <tr key={formation.formationId}>
          <th scope="row">{formation.title}</th>
          <td>
            {formatEventWhen(
              {
                isAllDay: false,
                startsAt: formation.startsAt,
                endsAt: formation.endsAt,
                startDate: null,
                endDate: null,
              },
              i18n.language,
              timeZone,
            )}
          </td>
          <td>{formation.location ?? t("syncRuns.none")}</td>
          <td>
            <span className={`outlook-state outlook-state-${formation.outlookState}`}>
              {t(`formationsInOutlook.states.${formation.outlookState}`)}
            </span>
            {formation.syncError && <span className="sync-error"> – {formation.syncError}</span>}
          </td>
          <td>
            {formation.outlookState === "in_outlook" && formation.outlookEventId ? (
              <a href={outlookWebLink(formation.outlookEventId)} target="_blank" rel="noreferrer">
                {t("formationsInOutlook.openInOutlook")}
                <span className="visually-hidden">{t("app.actionTarget", { target: formation.title })}</span>
              </a>
            ) : (
              <button
                type="button"
                className="button-secondary"
                disabled={exportingId !== null}
                onClick={() => onExport(formation)}
              >
                {formation.outlookState === "removed_in_outlook"
                  ? t("formationsInOutlook.addAgain")
                  : t("formationsInOutlook.export")}
                <span className="visually-hidden">{t("app.actionTarget", { target: formation.title })}</span>
              </button>
            )}
          </td>
        </tr>
      ))}
    </ScrollableTable>
  );
}

/** "Mes formations dans Outlook": each upcoming formation's copy, "Exporter vers Outlook" and "Ajouter à nouveau". */
export function FormationsInOutlook({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const formations = useSyncFormations();
  const exportFormation = useExportFormation();
  const exportedTitle =
    formations.data?.find(({ formationId }) => formationId === exportFormation.variables?.formationId)?.title ?? "";
  const webLink = httpsUrlOrNull(exportFormation.data?.webLink);
  return (
    <section className="card" aria-labelledby="formations-title">
      <h2 id="formations-title">{t("formationsInOutlook.title")}</h2>
      <div role="status" className={exportFormation.isSuccess ? "alert alert-success" : undefined}>
        {exportFormation.isPending && t("formationsInOutlook.exporting", { title: exportedTitle })}
        {exportFormation.data && (
          <>
            {t("formationsInOutlook.exported", { title: exportFormation.data.subject || exportedTitle })}{" "}
            {webLink && (
              <a href={webLink} target="_blank" rel="noreferrer">
                {t("formationsInOutlook.openInOutlook")}
              </a>
            )}
          </>
        )}
      </div>
      <ErrorAlert error={formations.error ?? exportFormation.error} />
      {formations.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : (
        formations.data && (
          <FormationsTable
            formations={formations.data}
            timeZone={timeZone}
            exportingId={exportFormation.isPending ? (exportFormation.variables?.formationId ?? null) : null}
            onExport={(formation) => exportFormation.mutate({ formationId: formation.formationId })}
          />
        )
      )}
    </section>
  );
}
