import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["learner", "trainer", "admin"]);
export const userLocale = pgEnum("user_locale", ["fr", "en"]);

/** A platform user, mirrored from the platform's session token the first time it calls us. */
export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The platform's own id for this user (the `sub` of its session tokens). */
    platformUserId: text().notNull(),
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull().default("learner"),
    locale: userLocale().notNull().default("fr"),
    /** IANA time zone, e.g. Europe/Paris. */
    timeZone: text().notNull().default("Europe/Paris"),
    /**
     * Set when the platform says the person left (deactivated or removed): from then on no token of theirs (platform
     * session, Microsoft, stream ticket) is accepted, until the platform reactivates them.
     */
    deactivatedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("users_platform_user_id_key").on(table.platformUserId),
    index("users_email_idx").on(sql`lower(${table.email})`),
    index("users_role_idx").on(table.role),
  ],
);

/** Credentials of other internal apps calling the API; only a hash of the token is kept. */
export const serviceTokens = pgTable(
  "service_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** SHA-256 of the token, hex. */
    tokenHash: text().notNull(),
    scopes: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When it last authenticated a request, to the minute (written at most once a minute). */
    lastUsedAt: timestamp({ withTimezone: true }),
    /** Refused from then on; none: until revoked. */
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (table) => [uniqueIndex("service_tokens_token_hash_key").on(table.tokenHash)],
);
