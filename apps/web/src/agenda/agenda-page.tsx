import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AgendaEvent } from "../api/trpc";
import { currentLanguage } from "../i18n/i18n";
import { useCurrentUser } from "../session/current-user";
import { useReviewConflict, useSyncConflicts } from "../sync/use-sync";
import { ErrorAlert } from "../ui/error-alert";
import { usePageTitle } from "../ui/use-page-title";
import { AgendaCalendar, type MovedTiming } from "./agenda-calendar";
import { EventDetailsDialog } from "./event-details-dialog";
import { EventFormDialog, type EventDraft } from "./event-form-dialog";
import { formValuesForNextHour, formValuesForRange, formValuesFromEvent, type EventFields } from "./event-form-values";
import { EventLegend } from "./event-legend";
import { useAgendaEvents, useEventMutations, type VisibleRange } from "./use-agenda-events";

/** "Mon agenda": formations, Outlook events and personal events of the visible range, and personal events' editing. */
export function AgendaPage() {
  const { t } = useTranslation();
  usePageTitle(t("agenda.title"));
  const { timeZone } = useCurrentUser();
  const [range, setRange] = useState<VisibleRange | null>(null);
  const events = useAgendaEvents(range);
  const { create, update, move, remove } = useEventMutations();
  const [openEvent, setOpenEvent] = useState<AgendaEvent | null>(null);
  const [draft, setDraft] = useState<EventDraft | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const conflicts = useSyncConflicts();
  const reviewConflict = useReviewConflict();
  const openConflict = openEvent ? (conflicts.data?.find(({ eventId }) => eventId === openEvent.id) ?? null) : null;

  const startDraft = (next: EventDraft) => {
    create.reset();
    update.reset();
    setOpenEvent(null);
    setDraft(next);
  };

  const save = (saved: EventDraft, fields: EventFields) => {
    const done = { onSuccess: () => setDraft(null) };
    if (saved.mode === "create") create.mutate(fields, done);
    else update.mutate({ id: saved.eventId, expectedVersion: saved.version, ...fields }, done);
  };

  const moveEvent = (event: AgendaEvent, timing: MovedTiming, revert: () => void) => {
    setAnnouncement("");
    move.mutate(
      { id: event.id, expectedVersion: event.version, ...timing },
      { onError: revert, onSuccess: () => setAnnouncement(t("agenda.rescheduled", { title: event.title })) },
    );
  };

  return (
    <div className="agenda-page">
      <div className="page-heading">
        <h1>{t("agenda.title")}</h1>
        <button
          type="button"
          onClick={() => startDraft({ mode: "create", values: formValuesForNextHour(new Date(), timeZone) })}
        >
          {t("agenda.newEvent")}
        </button>
      </div>
      <p className="hint">{t("agenda.timeZone", { timeZone })}</p>
      <EventLegend />
      <ErrorAlert error={events.error} />
      <ErrorAlert error={move.error} />
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
      <AgendaCalendar
        events={events.data ?? []}
        timeZone={timeZone}
        language={currentLanguage()}
        onRangeChange={(next) =>
          setRange((current) => (current?.from === next.from && current.to === next.to ? current : next))
        }
        onOpenEvent={(event) => {
          remove.reset();
          setOpenEvent(event);
        }}
        onSelectRange={(selection) => startDraft({ mode: "create", values: formValuesForRange(selection, timeZone) })}
        onMoveEvent={moveEvent}
      />
      <EventDetailsDialog
        event={openEvent}
        timeZone={timeZone}
        onClose={() => setOpenEvent(null)}
        onEdit={(event) =>
          startDraft({
            mode: "edit",
            eventId: event.id,
            version: event.version,
            values: formValuesFromEvent(event, timeZone),
          })
        }
        onDelete={(event) => remove.mutate({ id: event.id }, { onSuccess: () => setOpenEvent(null) })}
        deleting={remove.isPending}
        deleteError={remove.error}
        conflict={openConflict}
        onReviewConflict={(conflict) => reviewConflict.mutate({ id: conflict.id })}
        reviewingConflict={reviewConflict.isPending}
      />
      <EventFormDialog
        draft={draft}
        timeZone={timeZone}
        saving={create.isPending || update.isPending}
        saveError={create.error ?? update.error}
        onSave={save}
        onClose={() => setDraft(null)}
      />
    </div>
  );
}
