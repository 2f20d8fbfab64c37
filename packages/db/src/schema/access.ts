import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Short-lived, single-use tickets that open a live status stream: browsers' EventSource puts credentials in the URL,
 * where a full session token would be logged by proxies and kept in histories. Only a hash is kept.
 */
export const streamTickets = pgTable(
  "stream_tickets",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** SHA-256 of the ticket, hex. */
    ticketHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The one procedure the ticket opens (e.g. `sync.onStatus`). */
    purpose: text().notNull(),
    /** When the credential the ticket was exchanged for expires: the stream ends then. */
    sessionExpiresAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("stream_tickets_ticket_hash_key").on(table.ticketHash),
    index("stream_tickets_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * Request budgets shared by every server process (rate-limiter-flexible's Drizzle store): one row per caller and
 * window, `points` spent until `expire`.
 */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  key: text().primaryKey(),
  points: integer().notNull(),
  expire: timestamp({ withTimezone: true }),
});
