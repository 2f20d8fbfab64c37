import { boolean, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * A person's private calendar feed (`/feeds/<secret>.ics`): the address alone opens it, so calendar apps that cannot
 * sign in (Google, Apple, Thunderbird, Outlook's "from the web") can poll it. One per person; turning it off deletes it.
 */
export const calendarFeeds = pgTable(
  "calendar_feeds",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the secret, hex: what finds the feed when a calendar polls it, without any key. */
    secretHash: text().notNull(),
    /**
     * The secret sealed with the deployment's key (AES-256-GCM, bound to this row), so that its owner, signed in, can
     * read the address again as other calendars let people do; a copy of the database alone opens no feed.
     */
    sealedSecret: text().notNull(),
    /** Whether the person's own agenda events join their formations in the feed. */
    includePersonalEvents: boolean().notNull().default(false),
    /** SHA-256 of the content last served and when it first was: the feed's ETag and Last-Modified. */
    contentHash: text(),
    contentChangedAt: timestamp({ withTimezone: true }),
    /** When the current secret was issued (at creation, then at each rotation). */
    secretIssuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("calendar_feeds_user_id_key").on(table.userId),
    uniqueIndex("calendar_feeds_secret_hash_key").on(table.secretHash),
  ],
);
