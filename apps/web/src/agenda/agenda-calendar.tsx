import type { DateSelectArg, EventChangeArg, EventClickArg, EventContentArg } from "@fullcalendar/core";
import frLocale from "@fullcalendar/core/locales/fr";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import luxonPlugin from "@fullcalendar/luxon3";
import FullCalendar from "@fullcalendar/react";
import timeGridPlugin from "@fullcalendar/timegrid";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AgendaEvent } from "../api/trpc";
import type { Language } from "../i18n/i18n";
import { condenseMonth, hiddenEventsEntry, timingOfMovedEvent, toCalendarEvent } from "./calendar-events";
import type { VisibleRange } from "./use-agenda-events";

export type MovedTiming = ReturnType<typeof timingOfMovedEvent>;

interface AgendaCalendarProps {
  events: readonly AgendaEvent[];
  timeZone: string;
  language: Language;
  onRangeChange: (range: VisibleRange) => void;
  onOpenEvent: (event: AgendaEvent) => void;
  onSelectRange: (range: { start: string; end: string; allDay: boolean }) => void;
  /** A personal event was dragged or resized; `revert` puts it back if the server refuses. */
  onMoveEvent: (event: AgendaEvent, timing: MovedTiming, revert: () => void) => void;
}

const PLUGINS = [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin, luxonPlugin];
const TOOLBAR = { start: "prev,next today", center: "title", end: "dayGridMonth,timeGridWeek,timeGridDay,listWeek" };

/** Events a month day shows before "+N autres". */
const MONTH_EVENTS_PER_DAY = 3;
// The day's own events first, its "+N autres" last; then FullCalendar's usual order.
const EVENT_ORDER = "listedLast,start,-duration,allDay,title";

const agendaEventOf = (arg: { event: { extendedProps: Record<string, unknown> } }) =>
  arg.event.extendedProps.agendaEvent as AgendaEvent | undefined;

/** Month, week, day and list views of the agenda, in the person's language and time zone (FullCalendar). */
export function AgendaCalendar({
  events,
  timeZone,
  language,
  onRangeChange,
  onOpenEvent,
  onSelectRange,
  onMoveEvent,
}: AgendaCalendarProps) {
  const { t } = useTranslation();
  const [viewType, setViewType] = useState("dayGridMonth");
  const calendarEvents = useMemo(() => {
    if (viewType !== "dayGridMonth") return events.map(toCalendarEvent);
    const { shown, hidden } = condenseMonth(events, timeZone, MONTH_EVENTS_PER_DAY);
    return [
      ...shown.map(toCalendarEvent),
      ...hidden.map((day) => hiddenEventsEntry(day, t("agenda.moreEvents", { count: day.count }))),
    ];
  }, [events, viewType, timeZone, t]);

  // Each event says where it comes from in words too, for screen readers and anyone who cannot tell the colours apart.
  const renderEvent = (arg: EventContentArg) => {
    const agendaEvent = agendaEventOf(arg);
    const source = agendaEvent?.source;
    return (
      <span className="event-content">
        {arg.timeText && !arg.view.type.startsWith("list") && <span className="event-time">{arg.timeText}</span>}
        {source && <span className="visually-hidden">{t(`legend.${source}`)} – </span>}
        {/* Struck through for the eye; said in words for screen readers, which do not announce the line. */}
        {agendaEvent?.cancelled && <span className="visually-hidden">{t("eventDetails.cancelled")} – </span>}
        <span className="event-title">{arg.event.title}</span>
      </span>
    );
  };

  const moveEvent = (change: EventChangeArg) => {
    const event = agendaEventOf(change);
    if (event) onMoveEvent(event, timingOfMovedEvent(change.event), change.revert);
  };

  return (
    <FullCalendar
      plugins={PLUGINS}
      initialView="dayGridMonth"
      headerToolbar={TOOLBAR}
      locales={[frLocale]}
      locale={language}
      timeZone={timeZone}
      height="auto"
      events={calendarEvents}
      eventDisplay="block"
      // Events lasting several days can still crowd a day past what condenseMonth left: FullCalendar's own "+N".
      dayMaxEvents={MONTH_EVENTS_PER_DAY + 2}
      nowIndicator
      selectable
      editable
      forceEventDuration
      eventContent={renderEvent}
      // Words rather than FullCalendar's chevron icons, which are images without a text alternative.
      buttonIcons={false}
      // FullCalendar names each day cell by its date alone, which hides the events inside from screen readers (the
      // name replaces the content) and fails "label in name". The date stays readable: the day number carries it.
      dayCellDidMount={({ el }) => el.removeAttribute("aria-labelledby")}
      eventOrder={EVENT_ORDER}
      datesSet={(arg) => {
        setViewType(arg.view.type);
        onRangeChange({ from: arg.start.toISOString(), to: arg.end.toISOString() });
      }}
      eventClick={(click: EventClickArg) => {
        click.jsEvent.preventDefault();
        const event = agendaEventOf(click);
        if (event) onOpenEvent(event);
        else click.view.calendar.changeView("timeGridDay", click.event.startStr);
      }}
      select={(selection: DateSelectArg) => {
        selection.view.calendar.unselect();
        onSelectRange({
          start: selection.allDay ? selection.startStr : selection.start.toISOString(),
          end: selection.allDay ? selection.endStr : selection.end.toISOString(),
          allDay: selection.allDay,
        });
      }}
      eventChange={moveEvent}
    />
  );
}
