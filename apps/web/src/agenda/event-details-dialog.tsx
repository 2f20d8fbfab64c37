import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { AgendaEvent } from "../api/trpc";
import { ConflictDetails } from "../sync/conflict-details";
import type { SyncConflict } from "../sync/sync-types";
import { Dialog } from "../ui/dialog";
import { ErrorAlert } from "../ui/error-alert";
import { AddToCalendarButton } from "./add-to-calendar-button";
import { isEditable } from "./calendar-events";
import { EventDetails } from "./event-details";

interface EventDetailsDialogProps {
  event: AgendaEvent | null;
  timeZone: string;
  onClose: () => void;
  onEdit: (event: AgendaEvent) => void;
  onDelete: (event: AgendaEvent) => void;
  deleting: boolean;
  deleteError: unknown;
  /** The sync conflict the event was part of, until the person marks it seen. */
  conflict: SyncConflict | null;
  onReviewConflict: (conflict: SyncConflict) => void;
  reviewingConflict: boolean;
}

export function EventDetailsDialog({
  event,
  timeZone,
  onClose,
  onEdit,
  onDelete,
  deleting,
  deleteError,
  conflict,
  onReviewConflict,
  reviewingConflict,
}: EventDetailsDialogProps) {
  const { t } = useTranslation();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const close = () => {
    setConfirmingDelete(false);
    onClose();
  };

  return (
    <Dialog open={event !== null} title={event?.title ?? ""} onClose={close}>
      {event && (
        <>
          <EventDetails event={event} timeZone={timeZone} />
          {event.source === "formation" && <p className="hint">{t("eventDetails.readOnlyFormation")}</p>}
          {event.formationId && (
            <p>
              <Link to={`/planning/${event.formationId}`}>{t("planning.seeFormation")}</Link>
            </p>
          )}
          {event.source === "outlook" && <p className="hint">{t("eventDetails.readOnlyOutlook")}</p>}
          {conflict && (
            <section className="event-conflict" aria-labelledby="event-conflict-title">
              <h3 id="event-conflict-title">{t("conflicts.eventTitle")}</h3>
              <ConflictDetails conflict={conflict} timeZone={timeZone} />
              <button
                type="button"
                className="button-secondary"
                disabled={reviewingConflict}
                onClick={() => onReviewConflict(conflict)}
              >
                {t("conflicts.markReviewed")}
              </button>
            </section>
          )}
          <ErrorAlert error={deleteError} />
          {confirmingDelete ? (
            <div
              className="dialog-actions"
              role="group"
              aria-label={t("eventDetails.confirmDelete", { title: event.title })}
            >
              <p>{t("eventDetails.confirmDelete", { title: event.title })}</p>
              <button type="button" className="button-danger" disabled={deleting} onClick={() => onDelete(event)}>
                {t("eventDetails.confirmDeleteAction")}
              </button>
              <button type="button" className="button-secondary" onClick={() => setConfirmingDelete(false)}>
                {t("eventForm.cancel")}
              </button>
            </div>
          ) : (
            <div className="dialog-actions">
              {event.formationId && <AddToCalendarButton formationId={event.formationId} title={event.title} />}
              {isEditable(event) && (
                <>
                  <button type="button" onClick={() => onEdit(event)}>
                    {t("eventDetails.edit")}
                  </button>
                  <button type="button" className="button-danger" onClick={() => setConfirmingDelete(true)}>
                    {t("eventDetails.delete")}
                  </button>
                </>
              )}
              <button type="button" className="button-secondary" onClick={close}>
                {t("eventDetails.close")}
              </button>
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}
