import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { calendarIntegrations } from "./integrations";
import { serviceTokens, users } from "./users";

export const auditOutcome = pgEnum("audit_outcome", ["success", "failure"]);

/**
 * What happened to whom, when, and how it ended: connections, settings changes, token failures, sync runs,
 * conflicts. Never holds a token or a secret.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The user the entry is about. */
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    /** Who did it: a user, a service token, or neither when the system acted on its own. */
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorServiceTokenId: uuid().references(() => serviceTokens.id, { onDelete: "set null" }),
    integrationId: uuid().references(() => calendarIntegrations.id, { onDelete: "set null" }),
    action: text().notNull(),
    outcome: auditOutcome().notNull(),
    detail: jsonb().$type<Record<string, unknown>>(),
    requestId: text(),
  },
  (table) => [
    index("audit_log_user_occurred_at_idx").on(table.userId, table.occurredAt),
    index("audit_log_action_occurred_at_idx").on(table.action, table.occurredAt),
  ],
);
