import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const calendarProvider = pgEnum("calendar_provider", ["outlook"]);
export const integrationStatus = pgEnum("integration_status", ["active", "needs_reauth", "error", "disconnected"]);

/** Outcome of the last sync of an integration, shown to the user and the admins. */
export interface LastSyncResult {
  ok: boolean;
  created: number;
  updated: number;
  deleted: number;
  error?: string;
}

/** One user's connection to one calendar provider, with the provider's tokens kept encrypted. */
export const calendarIntegrations = pgTable(
  "calendar_integrations",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: calendarProvider().notNull().default("outlook"),
    /** Microsoft tenant id (`tid`) and object id (`oid`): together the stable key of the Microsoft account. */
    msTenantId: text().notNull(),
    msObjectId: text().notNull(),
    /** MSAL's home account id (`uid.utid`), the key of the account in the token cache. */
    msHomeAccountId: text().notNull(),
    accountEmail: text().notNull(),
    accountName: text(),
    /** The MSAL token cache of this account, AES-256-GCM encrypted and tagged with its key id. Null once disconnected. */
    encryptedTokenCache: text(),
    grantedScopes: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    importEnabled: boolean().notNull().default(true),
    exportEnabled: boolean().notNull().default(true),
    autoSyncEnabled: boolean().notNull().default(true),
    /** Outlook calendars whose events are imported; empty means the default calendar. */
    importCalendarIds: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Outlook calendar that receives formations; null means the default calendar. */
    exportCalendarId: text(),
    status: integrationStatus().notNull().default("active"),
    /** Why the integration is not active (e.g. the AADSTS code of a revoked grant), for the user to read. */
    statusReason: text(),
    lastSyncAt: timestamp({ withTimezone: true }),
    lastSyncResult: jsonb().$type<LastSyncResult>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("calendar_integrations_user_provider_key").on(table.userId, table.provider),
    // One Microsoft account speaks for one platform user: its add-in tokens must name a single caller.
    uniqueIndex("calendar_integrations_ms_account_key")
      .on(table.msTenantId, table.msObjectId)
      .where(sql`${table.status} <> 'disconnected'`),
    index("calendar_integrations_status_idx").on(table.status),
  ],
);

/** Where the delta query of one Outlook calendar stopped: the `@odata.deltaLink` and the window it covers. */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    id: uuid().primaryKey().defaultRandom(),
    integrationId: uuid()
      .notNull()
      .references(() => calendarIntegrations.id, { onDelete: "cascade" }),
    calendarId: text().notNull(),
    deltaLink: text(),
    /** A `@odata.nextLink` of a round still in progress, so a killed worker resumes where it stopped. */
    nextLink: text(),
    /**
     * Start (database clock) of a full round in progress: the first one, a restart after Outlook rejected the cursor,
     * or a re-initialisation that rolls the window forward. Null during change rounds.
     */
    resyncStartedAt: timestamp({ withTimezone: true }),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    windowEnd: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("sync_cursors_integration_calendar_key").on(table.integrationId, table.calendarId)],
);

/** A Graph change-notification subscription held for an integration. */
export const graphSubscriptions = pgTable(
  "graph_subscriptions",
  {
    id: uuid().primaryKey().defaultRandom(),
    integrationId: uuid()
      .notNull()
      .references(() => calendarIntegrations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    resource: text().notNull(),
    /** SHA-256 of the clientState sent to Graph; notifications are checked against it. */
    clientStateHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    renewedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    uniqueIndex("graph_subscriptions_subscription_id_key").on(table.subscriptionId),
    index("graph_subscriptions_integration_id_idx").on(table.integrationId),
    index("graph_subscriptions_expires_at_idx").on(table.expiresAt),
  ],
);

/**
 * An authorization request in flight: the OAuth `state` (hashed) bound to the platform user who started it, with
 * the PKCE verifier sealed in the token vault. Single-use and short-lived: this is the flow's CSRF protection.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: calendarProvider().notNull().default("outlook"),
    /** SHA-256 of the state, hex. */
    stateHash: text().notNull(),
    sealedCodeVerifier: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    consumedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("oauth_states_state_hash_key").on(table.stateHash),
    index("oauth_states_expires_at_idx").on(table.expiresAt),
  ],
);
