import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { formations } from "./formations";
import { calendarIntegrations } from "./integrations";
import { users } from "./users";

/** Where an agenda event comes from: made in the platform, imported from Outlook, or a formation. */
export const eventSource = pgEnum("event_source", ["platform", "outlook", "formation"]);
export const showAs = pgEnum("show_as", ["free", "tentative", "busy", "oof", "workingElsewhere", "unknown"]);
export const graphEventType = pgEnum("graph_event_type", ["singleInstance", "occurrence", "exception", "seriesMaster"]);
export const eventSyncStatus = pgEnum("event_sync_status", ["synced", "pending", "error"]);

/** Graph's patternedRecurrence, kept as Graph gives it. */
export type GraphRecurrence = Record<string, unknown>;

/** An event of a user's agenda, with the Graph identifiers of its Outlook copy when it has one. */
export const agendaEvents = pgTable(
  "agenda_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    source: eventSource().notNull(),
    integrationId: uuid().references(() => calendarIntegrations.id, { onDelete: "set null" }),
    formationId: uuid().references(() => formations.id, { onDelete: "cascade" }),
    /**
     * For formation rows: the session this row mirrors (one row per participant and session). Not a foreign key on
     * purpose: a session removed from its formation leaves its rows as tombstones that still name it, so the export
     * can delete (or find by its tag) the Outlook copy; the formation's own key removes the rows with the formation.
     */
    formationSessionId: uuid(),
    /**
     * For formation rows: the formation is cancelled. Its row stays (and so does its Outlook copy, marked cancelled),
     * so people who look at Outlook learn it.
     */
    formationCancelled: boolean().notNull().default(false),
    /** For formation rows of a cancelled formation: why, as the formation says. */
    cancellationReason: text(),
    title: text().notNull(),
    body: text().notNull().default(""),
    location: text(),
    onlineUrl: text(),
    /** Instants of the event; for all-day events, midnight of startDate/endDate in the event's time zone. */
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    isAllDay: boolean().notNull().default(false),
    /** All-day events are dates, not instants: the first day and the day after the last (exclusive). */
    startDate: date(),
    endDate: date(),
    /** IANA time zone the event was scheduled in. */
    timeZone: text().notNull(),
    showAs: showAs().notNull().default("busy"),
    graphEventId: text(),
    graphIcalUid: text(),
    graphChangeKey: text(),
    graphCalendarId: text(),
    graphSeriesMasterId: text(),
    graphEventType: graphEventType(),
    recurrence: jsonb().$type<GraphRecurrence>(),
    /** Outlook's lastModifiedDateTime of the copy we last saw. */
    remoteModifiedAt: timestamp({ withTimezone: true }),
    /**
     * When an import last received this event from Outlook (database clock): a full delta round tombstones the
     * events of its calendar it did not receive.
     */
    graphSeenAt: timestamp({ withTimezone: true }),
    syncStatus: eventSyncStatus().notNull().default("synced"),
    /** Why the last write to Outlook failed, when it did (a 4xx that retrying cannot fix). */
    syncError: text(),
    /**
     * The transactionId of a create sent to Outlook, written before the request: a retry after a lost response
     * reuses it, so Outlook answers with the event it already made instead of a duplicate.
     */
    graphTransactionId: text(),
    /**
     * For formation rows: the row `version` Outlook's copy shows. The row's version only moves when what it mirrors
     * of its formation and session changes, so an export rewrites exactly the copies whose content changed.
     */
    exportedFormationVersion: integer(),
    /**
     * For personal events (platform and Outlook ones): the row `version` Outlook's copy reflects. A higher `version`
     * is an edit made in the platform that is still to reach Outlook; null for a row that never reached it.
     */
    outlookVersion: integer(),
    /**
     * For personal events: the body as last synced with Outlook (the text the import read, or what the export wrote).
     * A body equal to it is not written again: Outlook keeps its own HTML (formatting, meeting join block) when only
     * other fields were edited here. Null when unknown (never synced).
     */
    outlookBody: text(),
    /**
     * A formation's Outlook copy the user deleted in Outlook: respected (not put back) until they ask for it again.
     */
    removedFromOutlookAt: timestamp({ withTimezone: true }),
    /** Tombstone: the event is deleted but kept so the deletion can reach the other side. */
    deletedAt: timestamp({ withTimezone: true }),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("agenda_events_owner_starts_at_idx")
      .on(table.ownerId, table.startsAt)
      .where(sql`${table.deletedAt} is null`),
    uniqueIndex("agenda_events_integration_graph_id_key")
      .on(table.integrationId, table.graphEventId)
      .where(sql`${table.graphEventId} is not null`),
    uniqueIndex("agenda_events_owner_formation_session_key")
      .on(table.ownerId, table.formationSessionId)
      .where(sql`${table.formationSessionId} is not null`),
    index("agenda_events_formation_id_idx")
      .on(table.formationId)
      .where(sql`${table.formationId} is not null`),
    index("agenda_events_integration_ical_uid_idx").on(table.integrationId, table.graphIcalUid),
    index("agenda_events_integration_source_idx").on(table.integrationId, table.source),
    index("agenda_events_sync_status_idx")
      .on(table.syncStatus)
      .where(sql`${table.syncStatus} <> 'synced'`),
  ],
);
