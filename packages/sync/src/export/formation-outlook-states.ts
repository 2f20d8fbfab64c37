import type { DatabaseOrTransaction } from "@agenda/db/client";
import { agendaEvents, calendarIntegrations, syncConflicts } from "@agenda/db/schema";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { copyInLine, copyWanted } from "./formation-writes";

const DAY_MS = 86_400_000;

/**
 * Where a formation stands in the user's Outlook: `in_outlook` (its copy is up to date, or export is off and a copy
 * is there), `pending` (the export will create or rewrite it), `not_exported` (no copy, and export is off, Outlook
 * not connected, or the formation is cancelled and the admins chose to delete cancelled formations' copies), `removed_in_outlook` (the user deleted the copy: respected until "add again"),
 * `conflict` (its copy was edited in Outlook and put back, not reviewed yet), `error` (Outlook refused the copy).
 */
export type FormationOutlookState =
  "in_outlook" | "not_exported" | "pending" | "removed_in_outlook" | "conflict" | "error";

export interface FormationInOutlook {
  formationId: string;
  eventId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  location: string | null;
  outlookState: FormationOutlookState;
  outlookEventId: string | null;
  syncError: string | null;
}

/** The user's current and upcoming formations (ended less than a day ago or later), soonest first, with their Outlook state. */
export async function formationOutlookStates(
  db: DatabaseOrTransaction,
  ownerId: string,
  now = new Date(),
): Promise<FormationInOutlook[]> {
  const [integration] = await db
    .select({
      id: calendarIntegrations.id,
      status: calendarIntegrations.status,
      exportEnabled: calendarIntegrations.exportEnabled,
    })
    .from(calendarIntegrations)
    .where(and(eq(calendarIntegrations.userId, ownerId), eq(calendarIntegrations.provider, "outlook")));
  const connected = integration !== undefined && integration.status !== "disconnected";
  const exporting = connected && integration.exportEnabled;
  const rows = await db
    .select({ event: agendaEvents, wanted: copyWanted() })
    .from(agendaEvents)
    .where(
      and(
        eq(agendaEvents.ownerId, ownerId),
        eq(agendaEvents.source, "formation"),
        isNull(agendaEvents.deletedAt),
        gt(agendaEvents.endsAt, new Date(now.getTime() - DAY_MS)),
      ),
    )
    .orderBy(asc(agendaEvents.startsAt), asc(agendaEvents.id));
  const conflicted = await db
    .select({ eventId: syncConflicts.eventId })
    .from(syncConflicts)
    .where(
      and(
        eq(syncConflicts.ownerId, ownerId),
        eq(syncConflicts.kind, "formation_changed_in_outlook"),
        isNull(syncConflicts.reviewedAt),
      ),
    );
  const withConflict = new Set(conflicted.map(({ eventId }) => eventId));

  return rows.map(({ event, wanted }) => {
    const hasCopy = connected && event.graphEventId !== null && event.integrationId === integration.id;
    const upToDate = hasCopy && copyInLine(event, event.version, integration.id);
    let outlookState: FormationOutlookState;
    if (event.removedFromOutlookAt !== null) outlookState = "removed_in_outlook";
    else if (event.syncStatus === "error") outlookState = "error";
    else if (withConflict.has(event.id)) outlookState = "conflict";
    else if (upToDate || (hasCopy && !exporting)) outlookState = "in_outlook";
    else outlookState = exporting && wanted ? "pending" : "not_exported";
    return {
      formationId: event.formationId ?? "",
      eventId: event.id,
      title: event.title,
      startsAt: event.startsAt.toISOString(),
      endsAt: event.endsAt.toISOString(),
      location: event.location,
      outlookState,
      outlookEventId: hasCopy ? event.graphEventId : null,
      syncError: event.syncError,
    };
  });
}
