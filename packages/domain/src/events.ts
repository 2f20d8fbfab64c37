import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents } from "@agenda/db/schema";
import { and, asc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "./errors";
import { httpsUrl } from "./link-schema";
import { ianaTimeZone, isoDate, isoInstant, startOfDateInZone } from "./time";

export type AgendaEventRow = typeof agendaEvents.$inferSelect;

/** The longest range `events.list` answers at once: a year and a day covers every calendar view. */
export const MAX_LIST_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export const eventSourceSchema = z.enum(["platform", "outlook", "formation"]);
export const showAsSchema = z.enum(["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"]);

/** What `events.list` answers when a caller names no range: the last month and the next three. */
export const DEFAULT_LIST_WINDOW = { daysBack: 30, daysAhead: 90 } as const;

/**
 * The range `events.list` answers: the one asked for, its missing end filled in with a window of the default length,
 * or the default window around `now`. What cannot be read as an instant is left as given, for validation to refuse.
 */
export function eventsWindow(
  asked: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): { from: string; to: string } {
  const length = (DEFAULT_LIST_WINDOW.daysBack + DEFAULT_LIST_WINDOW.daysAhead) * DAY_MS;
  const shifted = (instant: string | undefined, by: number) => {
    const time = instant === undefined ? Number.NaN : Date.parse(instant);
    return Number.isNaN(time) ? undefined : new Date(time + by).toISOString();
  };
  const from =
    asked.from ??
    shifted(asked.to, -length) ??
    new Date(now.getTime() - DEFAULT_LIST_WINDOW.daysBack * DAY_MS).toISOString();
  const to =
    asked.to ??
    shifted(asked.from, length) ??
    new Date(now.getTime() + DEFAULT_LIST_WINDOW.daysAhead * DAY_MS).toISOString();
  return { from, to };
}

const isRange = (from: unknown, to: unknown): boolean => from instanceof Date && to instanceof Date;

export const listEventsInput = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    sources: z.array(eventSourceSchema).min(1).max(3).optional(),
  })
  .transform((input) => ({ ...input, ...eventsWindow(input) }))
  .pipe(
    z
      .object({ from: isoInstant, to: isoInstant, sources: z.array(eventSourceSchema).optional() })
      // Zod runs refinements even when a field failed: the range is only judged between two instants.
      .refine(({ from, to }) => !isRange(from, to) || to > from, { message: "rangeInverted", path: ["to"] })
      .refine(({ from, to }) => !isRange(from, to) || to.getTime() - from.getTime() <= MAX_LIST_RANGE_DAYS * DAY_MS, {
        message: "rangeTooLong",
        path: ["to"],
      }),
  );

const eventFields = {
  title: z.string().trim().min(1).max(255),
  body: z.string().max(100_000),
  location: z.string().trim().max(255).nullable(),
  onlineUrl: httpsUrl.nullable(),
  timeZone: ianaTimeZone,
  showAs: showAsSchema,
  isAllDay: z.boolean(),
  startsAt: isoInstant,
  endsAt: isoInstant,
  startDate: isoDate,
  endDate: isoDate,
};

type EventTiming =
  { isAllDay: false; startsAt: Date; endsAt: Date } | { isAllDay: true; startDate: string; endDate: string };

interface TimingFields {
  isAllDay?: boolean | undefined;
  startsAt?: Date | undefined;
  endsAt?: Date | undefined;
  startDate?: string | undefined;
  endDate?: string | undefined;
}

/** Checks that an event has the times its kind needs, in order: instants for timed events, dates for all-day ones. */
function timingIssue(timing: TimingFields): { message: string; path: string[] } | undefined {
  if (timing.isAllDay) {
    if (!timing.startDate || !timing.endDate) return { message: "allDayNeedsDates", path: ["startDate"] };
    if (timing.endDate <= timing.startDate) return { message: "endBeforeStart", path: ["endDate"] };
    return undefined;
  }
  if (!timing.startsAt || !timing.endsAt) return { message: "timedNeedsInstants", path: ["startsAt"] };
  if (timing.endsAt <= timing.startsAt) return { message: "endBeforeStart", path: ["endsAt"] };
  return undefined;
}

export const createEventInput = z
  .object({
    title: eventFields.title,
    body: eventFields.body.default(""),
    location: eventFields.location.default(null),
    onlineUrl: eventFields.onlineUrl.default(null),
    timeZone: eventFields.timeZone.optional(),
    showAs: eventFields.showAs.default("busy"),
    isAllDay: eventFields.isAllDay.default(false),
    startsAt: eventFields.startsAt.optional(),
    endsAt: eventFields.endsAt.optional(),
    startDate: eventFields.startDate.optional(),
    endDate: eventFields.endDate.optional(),
  })
  .superRefine((input, ctx) => {
    const issue = timingIssue(input);
    if (issue) ctx.addIssue({ code: "custom", ...issue });
  });

export const updateEventInput = z.object({
  id: z.uuid(),
  /** When given, the update is refused if the event changed since the caller read it. */
  expectedVersion: z.int().positive().optional(),
  title: eventFields.title.optional(),
  body: eventFields.body.optional(),
  location: eventFields.location.optional(),
  onlineUrl: eventFields.onlineUrl.optional(),
  timeZone: eventFields.timeZone.optional(),
  showAs: eventFields.showAs.optional(),
  isAllDay: eventFields.isAllDay.optional(),
  startsAt: eventFields.startsAt.optional(),
  endsAt: eventFields.endsAt.optional(),
  startDate: eventFields.startDate.optional(),
  endDate: eventFields.endDate.optional(),
});

export const eventIdInput = z.object({ id: z.uuid() });

export type ListEventsInput = z.output<typeof listEventsInput>;
export type CreateEventInput = z.output<typeof createEventInput>;
export type UpdateEventInput = z.output<typeof updateEventInput>;

/** The shape an agenda event has outside the database: instants as ISO strings, Outlook ids grouped. */
export interface AgendaEvent {
  id: string;
  source: AgendaEventRow["source"];
  title: string;
  body: string;
  location: string | null;
  onlineUrl: string | null;
  startsAt: string;
  endsAt: string;
  isAllDay: boolean;
  startDate: string | null;
  endDate: string | null;
  timeZone: string;
  showAs: AgendaEventRow["showAs"];
  formationId: string | null;
  /** For a formation's event: the session it shows (one event per session). */
  formationSessionId: string | null;
  /** A cancelled formation's event: still shown (struck through), with the reason when one was given. */
  cancelled: boolean;
  cancellationReason: string | null;
  outlook: { eventId: string; calendarId: string | null; seriesMasterId: string | null } | null;
  syncStatus: AgendaEventRow["syncStatus"];
  syncError: string | null;
  version: number;
  updatedAt: string;
}

export function toAgendaEvent(row: AgendaEventRow): AgendaEvent {
  return {
    id: row.id,
    source: row.source,
    title: row.title,
    body: row.body,
    location: row.location,
    onlineUrl: row.onlineUrl,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    isAllDay: row.isAllDay,
    startDate: row.startDate,
    endDate: row.endDate,
    timeZone: row.timeZone,
    showAs: row.showAs,
    formationId: row.formationId,
    formationSessionId: row.formationSessionId,
    cancelled: row.formationCancelled,
    cancellationReason: row.cancellationReason,
    outlook: row.graphEventId
      ? { eventId: row.graphEventId, calendarId: row.graphCalendarId, seriesMasterId: row.graphSeriesMasterId }
      : null,
    syncStatus: row.syncStatus,
    syncError: row.syncError,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Instants stored for an event's timing: all-day dates become local midnights in the event's zone. */
function instantsOf(timing: EventTiming, timeZone: string) {
  if (timing.isAllDay) {
    return {
      isAllDay: true,
      startDate: timing.startDate,
      endDate: timing.endDate,
      startsAt: startOfDateInZone(timing.startDate, timeZone),
      endsAt: startOfDateInZone(timing.endDate, timeZone),
    };
  }
  return { isAllDay: false, startDate: null, endDate: null, startsAt: timing.startsAt, endsAt: timing.endsAt };
}

function timingOf(fields: TimingFields): EventTiming {
  return fields.isAllDay
    ? { isAllDay: true, startDate: fields.startDate ?? "", endDate: fields.endDate ?? "" }
    : { isAllDay: false, startsAt: fields.startsAt ?? new Date(0), endsAt: fields.endsAt ?? new Date(0) };
}

const visible = (ownerId: string) => and(eq(agendaEvents.ownerId, ownerId), isNull(agendaEvents.deletedAt));

/** The owner's events overlapping [from, to), earliest first. */
export async function listEvents(
  db: DatabaseOrTransaction,
  ownerId: string,
  input: ListEventsInput,
): Promise<AgendaEvent[]> {
  const rows = await db
    .select()
    .from(agendaEvents)
    .where(
      and(
        visible(ownerId),
        lt(agendaEvents.startsAt, input.to),
        gt(agendaEvents.endsAt, input.from),
        input.sources ? inArray(agendaEvents.source, input.sources) : undefined,
      ),
    )
    .orderBy(asc(agendaEvents.startsAt), asc(agendaEvents.id));
  return rows.map(toAgendaEvent);
}

async function findOwnedEvent(db: DatabaseOrTransaction, ownerId: string, id: string): Promise<AgendaEventRow> {
  const [row] = await db
    .select()
    .from(agendaEvents)
    .where(and(eq(agendaEvents.id, id), visible(ownerId)));
  // Another user's event is "not found" too: its existence is none of the caller's business.
  if (!row) throw new DomainError("EVENT_NOT_FOUND", { id });
  return row;
}

export async function getEvent(db: DatabaseOrTransaction, ownerId: string, id: string): Promise<AgendaEvent> {
  return toAgendaEvent(await findOwnedEvent(db, ownerId, id));
}

export async function createEvent(
  db: DatabaseOrTransaction,
  owner: { id: string; timeZone: string },
  input: CreateEventInput,
): Promise<AgendaEvent> {
  const timeZone = input.timeZone ?? owner.timeZone;
  const [row] = await db
    .insert(agendaEvents)
    .values({
      ownerId: owner.id,
      source: "platform",
      title: input.title,
      body: input.body,
      location: input.location,
      onlineUrl: input.onlineUrl,
      timeZone,
      showAs: input.showAs,
      ...instantsOf(timingOf(input), timeZone),
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return toAgendaEvent(row);
}

/** Formation events mirror a formation: they change with it, never on their own. */
function assertEditable(row: AgendaEventRow): void {
  if (row.source === "formation") throw new DomainError("EVENT_READ_ONLY", { id: row.id });
}

export async function updateEvent(
  db: DatabaseOrTransaction,
  ownerId: string,
  input: UpdateEventInput,
): Promise<AgendaEvent> {
  const current = await findOwnedEvent(db, ownerId, input.id);
  assertEditable(current);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    throw new DomainError("VERSION_CONFLICT", { id: current.id, version: current.version });
  }
  const isAllDay = input.isAllDay ?? current.isAllDay;
  const merged: TimingFields = {
    isAllDay,
    startsAt: input.startsAt ?? current.startsAt,
    endsAt: input.endsAt ?? current.endsAt,
    startDate: input.startDate ?? current.startDate ?? undefined,
    endDate: input.endDate ?? current.endDate ?? undefined,
  };
  const issue = timingIssue(merged);
  if (issue) throw new DomainError("INVALID_INPUT", { field: issue.path.join("."), reason: issue.message });
  const timeZone = input.timeZone ?? current.timeZone;

  const [row] = await db
    .update(agendaEvents)
    .set({
      title: input.title,
      body: input.body,
      location: input.location,
      onlineUrl: input.onlineUrl,
      showAs: input.showAs,
      timeZone,
      ...instantsOf(timingOf(merged), timeZone),
      version: sql`${agendaEvents.version} + 1`,
      updatedAt: new Date(),
    })
    // The version in the condition makes a concurrent update of the same event lose cleanly instead of overwriting.
    .where(and(eq(agendaEvents.id, current.id), eq(agendaEvents.version, current.version)))
    .returning();
  if (!row) throw new DomainError("VERSION_CONFLICT", { id: current.id, version: current.version + 1 });
  return toAgendaEvent(row);
}

/** Deletes by tombstone, so the deletion can still reach Outlook. */
export async function deleteEvent(db: DatabaseOrTransaction, ownerId: string, id: string): Promise<{ id: string }> {
  const current = await findOwnedEvent(db, ownerId, id);
  assertEditable(current);
  await db
    .update(agendaEvents)
    .set({ deletedAt: new Date(), version: sql`${agendaEvents.version} + 1`, updatedAt: new Date() })
    .where(eq(agendaEvents.id, current.id));
  return { id: current.id };
}
