import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const formationStatus = pgEnum("formation_status", ["scheduled", "cancelled"]);

/** A training session of the platform. The platform owns it; Outlook only receives copies. */
export const formations = pgTable(
  "formations",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Id the platform (or another internal app) knows this formation by, for idempotent upserts. */
    externalId: text(),
    /**
     * Whose `externalId` it is (`service:<token name>`, `user:<user id>`): each caller upserts in its own namespace,
     * so nobody can claim an id first and capture what another app later upserts under it. Null on formations made
     * before namespaces existed: the first app (or admin) upserting their externalId claims them.
     */
    externalIdNamespace: text(),
    title: text().notNull(),
    description: text().notNull().default(""),
    location: text(),
    onlineUrl: text(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    /** IANA time zone the formation is scheduled in. startsAt/endsAt: the first session's start, the last one's end. */
    timeZone: text().notNull(),
    trainerId: uuid().references(() => users.id, { onDelete: "set null" }),
    status: formationStatus().notNull().default("scheduled"),
    /** Why it was cancelled, shown first on the participants' Outlook copies; null while it is scheduled. */
    cancellationReason: text(),
    /** Incremented on every change; exports compare it to know what Outlook is missing. */
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("formations_external_id_namespace_key").on(table.externalIdNamespace, table.externalId),
    index("formations_external_id_idx").on(table.externalId),
    index("formations_starts_at_idx").on(table.startsAt),
    index("formations_trainer_id_idx").on(table.trainerId),
  ],
);

export const enrollments = pgTable(
  "enrollments",
  {
    formationId: uuid()
      .notNull()
      .references(() => formations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.formationId, table.userId] }),
    index("enrollments_user_id_idx").on(table.userId),
  ],
);

/**
 * One sitting of a formation (a day of a three-day course, one of six Monday mornings): each becomes its own Outlook
 * event in every participant's calendar. Its room or online link, when set, replaces the formation's.
 */
export const formationSessions = pgTable(
  "formation_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    formationId: uuid()
      .notNull()
      .references(() => formations.id, { onDelete: "cascade" }),
    /** 1-based rank by start: the "(2/3)" of its Outlook copies' titles. */
    position: integer().notNull(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    location: text(),
    onlineUrl: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("formation_sessions_formation_id_starts_at_idx").on(table.formationId, table.startsAt)],
);
