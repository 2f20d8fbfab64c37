import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { agendaEvents } from "./agenda-events";
import { formations } from "./formations";
import { calendarIntegrations } from "./integrations";
import { syncRuns } from "./sync-runs";
import { users } from "./users";

/**
 * What collided:
 * - `formation_changed_in_outlook`: a formation's copy was edited in Outlook; the platform's version was put back.
 * - `formation_removed_in_outlook`: a formation's copy was deleted in Outlook; respected, shown as "not in Outlook".
 * - `edited_on_both_sides`: a personal event changed in the platform and in Outlook between two syncs; the later won.
 * - `removed_in_outlook_edited_here`: deleted in Outlook while edited in the platform (or the reverse); see `winner`.
 */
export const syncConflictKind = pgEnum("sync_conflict_kind", [
  "formation_changed_in_outlook",
  "formation_removed_in_outlook",
  "edited_on_both_sides",
  "removed_in_outlook_edited_here",
]);
export const syncConflictSide = pgEnum("sync_conflict_side", ["platform", "outlook"]);

/** One side's version of an event at the time of a conflict: what the user may want back. */
export interface EventSnapshot {
  title: string;
  body?: string;
  location: string | null;
  startsAt: string;
  endsAt: string;
  isAllDay: boolean;
  startDate?: string | null;
  endDate?: string | null;
  timeZone?: string;
  /** When this side last changed it (Outlook's lastModifiedDateTime, the row's updatedAt). */
  modifiedAt: string | null;
  /** This side had deleted the event. */
  deleted?: boolean;
}

/** A conflict the sync met and how it settled it: both versions kept, for the user to review. Never silent. */
export const syncConflicts = pgTable(
  "sync_conflicts",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    integrationId: uuid().references(() => calendarIntegrations.id, { onDelete: "set null" }),
    eventId: uuid().references(() => agendaEvents.id, { onDelete: "set null" }),
    formationId: uuid().references(() => formations.id, { onDelete: "set null" }),
    syncRunId: uuid().references(() => syncRuns.id, { onDelete: "set null" }),
    kind: syncConflictKind().notNull(),
    winner: syncConflictSide().notNull(),
    platformVersion: jsonb().$type<EventSnapshot>(),
    outlookVersion: jsonb().$type<EventSnapshot>(),
    detectedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the user marked it reviewed; unreviewed conflicts are shown. */
    reviewedAt: timestamp({ withTimezone: true }),
    /** The user took back the losing version ("keep this version instead"): the side they kept, when they did. */
    resolvedWith: syncConflictSide(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index("sync_conflicts_owner_detected_at_idx").on(table.ownerId, table.detectedAt),
    index("sync_conflicts_event_id_idx").on(table.eventId),
    index("sync_conflicts_unreviewed_idx")
      .on(table.ownerId)
      .where(sql`${table.reviewedAt} is null`),
  ],
);
