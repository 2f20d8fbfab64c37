import { saveTextFile } from "@agenda/client/save-file";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { trpc } from "../api/trpc";
import { ErrorAlert } from "../ui/error-alert";

/**
 * "Ajouter à mon calendrier": the formation as an `.ics` file, made by the server with the same UID as in the
 * person's feed, so a calendar holding both keeps one event.
 */
export function AddToCalendarButton({ formationId, title }: { formationId: string; title: string }) {
  const { t } = useTranslation();
  const utils = trpc.useUtils();
  const download = useMutation({
    // Asked each time, not cached: the file must carry the formation as it is now.
    mutationFn: () => utils.client.feeds.formationIcs.query({ formationId }),
    onSuccess: ({ filename, ics }) => saveTextFile(document, { name: filename, text: ics, type: "text/calendar" }),
  });
  return (
    <>
      <button
        type="button"
        className="button-secondary"
        disabled={download.isPending}
        onClick={() => download.mutate()}
      >
        {t("eventDetails.addToCalendar")}
        <span className="visually-hidden">{t("app.actionTarget", { target: title })}</span>
      </button>
      <ErrorAlert error={download.error} />
    </>
  );
}
