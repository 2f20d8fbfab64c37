import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, syncCursors } from "@agenda/db/schema";
import { and, eq, inArray, isNotNull, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import { NO_FORMATION_COPY } from "./outlook-changes";

/**
 * What an integration imports: the Outlook calendars whose events belong in the agenda, or `none` when import is off.
 * Ids as the import reads them (the selected ones, or the default calendar's).
 */
export type ImportedCalendars = { kind: "calendars"; ids: string[] } | { kind: "none" };

/**
 * Takes out of the agenda the Outlook events of calendars the integration no longer imports (import turned off, a
 * calendar unticked), as the import does when Outlook deletes them: tombstoned with a new version that Outlook is
 * taken to reflect already, so the export never reads them as deletions to make in Outlook. A platform edit still
 * pending on one of them is dropped with it: the user chose not to see that calendar here. The cursors of those
 * calendars go too, so that importing one again reads it whole and brings its events back. Answers how many events
 * left the agenda.
 */
export async function removeEventsOfUnimportedCalendars(
  db: DatabaseOrTransaction,
  integrationId: string,
  imported: ImportedCalendars,
): Promise<number> {
  // No calendar named is no calendar known, not none imported: nothing is taken out on that.
  if (imported.kind === "calendars" && imported.ids.length === 0) return 0;
  const keptCalendar = (column: typeof agendaEvents.graphCalendarId | typeof syncCursors.calendarId) =>
    imported.kind === "calendars" ? notInArray(column, imported.ids) : undefined;
  const next = sql`${agendaEvents.version} + 1`;
  const removed = await db
    .update(agendaEvents)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: next, outlookVersion: next })
    .where(
      and(
        eq(agendaEvents.integrationId, integrationId),
        eq(agendaEvents.source, "outlook"),
        isNull(agendaEvents.deletedAt),
        keptCalendar(agendaEvents.graphCalendarId),
      ),
    )
    .returning({ id: agendaEvents.id });
  await db
    .delete(syncCursors)
    .where(and(eq(syncCursors.integrationId, integrationId), keptCalendar(syncCursors.calendarId)));
  return removed.length;
}

/** Live Outlook events in the agenda per integration and calendar: what unticking a calendar would take out. */
export async function importedEventCounts(
  db: DatabaseOrTransaction,
  integrationIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  if (integrationIds.length === 0) return counts;
  const rows = await db
    .select({
      integrationId: agendaEvents.integrationId,
      calendarId: agendaEvents.graphCalendarId,
      count: sql<number>`count(*)::int`,
    })
    .from(agendaEvents)
    .where(
      and(
        inArray(agendaEvents.integrationId, integrationIds),
        eq(agendaEvents.source, "outlook"),
        isNull(agendaEvents.deletedAt),
      ),
    )
    .groupBy(agendaEvents.integrationId, agendaEvents.graphCalendarId);
  for (const { integrationId, calendarId, count } of rows) {
    if (!integrationId || !calendarId) continue;
    const perCalendar = counts.get(integrationId) ?? {};
    perCalendar[calendarId] = count;
    counts.set(integrationId, perCalendar);
  }
  return counts;
}

/** Rows with copies left in a calendar they no longer go to: the export deletes those. */
export function hasStrayCopies(): SQL {
  return sql`cardinality(${agendaEvents.strayGraphEventIds}) > 0`;
}

/**
 * What becomes of the formation copies the integration put in Outlook: `move` them to the calendar that now receives
 * formations (null: the default one), or `remove` them (export turned off, copies not kept).
 */
export type FormationCopiesChange = { kind: "move"; toCalendarId: string | null } | { kind: "remove" };

/**
 * Sets the formation copies of the integration on their way (answers how many). Each copy becomes a stray of its row,
 * which forgets it: to move, the row keeps a trace of the export (its integration), so the export first looks for a
 * copy in the new calendar by its tag (one a failed run already made) and creates one only when there is none; to
 * remove, the row forgets everything. The export deletes the strays once the row needs no other write, through the
 * one write engine: under faults, the old copy goes only after the new one exists, and never twice.
 */
export async function setFormationCopiesOnTheirWay(
  db: DatabaseOrTransaction,
  integrationId: string,
  change: FormationCopiesChange,
): Promise<number> {
  const elsewhere =
    change.kind === "move" && change.toCalendarId !== null
      ? sql`${agendaEvents.graphCalendarId} is distinct from ${change.toCalendarId}`
      : undefined;
  const moved = await db
    .update(agendaEvents)
    .set({
      strayGraphEventIds: sql`array_append(${agendaEvents.strayGraphEventIds}, ${agendaEvents.graphEventId})`,
      ...NO_FORMATION_COPY,
      ...(change.kind === "move" ? { integrationId, syncStatus: "pending" as const } : {}),
    })
    .where(
      and(
        eq(agendaEvents.integrationId, integrationId),
        eq(agendaEvents.source, "formation"),
        isNotNull(agendaEvents.graphEventId),
        elsewhere,
      ),
    )
    .returning({ id: agendaEvents.id });
  return moved.length;
}
