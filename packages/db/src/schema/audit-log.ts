import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { calendarIntegrations } from "./integrations";
import { serviceTokens, users } from "./users";

export const auditOutcome = pgEnum("audit_outcome", ["success", "failure"]);
/** Who acted: a person (signed in), another app (a service token), or Agenda on its own (jobs, sampling, the command line). */
export const auditActorKind = pgEnum("audit_actor_kind", ["user", "service", "system"]);

/**
 * Security-relevant actions: who did what to whom or what, when, in which request, and how it ended. Rows outlive
 * the people, tokens and integrations they name: those references are set null when their row goes, and the labels
 * (an email, a token's name, a formation's title) keep saying who and what it was. Never holds a token or a secret.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The person the entry is about. */
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** That person's email when the entry was written. */
    userLabel: text(),
    actorKind: auditActorKind().notNull().default("system"),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorServiceTokenId: uuid().references(() => serviceTokens.id, { onDelete: "set null" }),
    /** The actor as a person reads it: a person's email, a service token's name, or what part of the system acted. */
    actorLabel: text(),
    integrationId: uuid().references(() => calendarIntegrations.id, { onDelete: "set null" }),
    /** What the action was done to when it is not (only) a person: `formation`, `service_token`, `job`… */
    subjectType: text(),
    subjectId: text(),
    /** The subject as a person reads it (a formation's title, a token's name). */
    subjectLabel: text(),
    action: text().notNull(),
    outcome: auditOutcome().notNull(),
    detail: jsonb().$type<Record<string, unknown>>(),
    /** The API request that did it (`x-request-id`), or the one that queued the job that did. */
    requestId: text(),
  },
  (table) => [
    index("audit_log_occurred_at_idx").on(table.occurredAt),
    index("audit_log_user_occurred_at_idx").on(table.userId, table.occurredAt),
    index("audit_log_actor_user_occurred_at_idx").on(table.actorUserId, table.occurredAt),
    index("audit_log_action_occurred_at_idx").on(table.action, table.occurredAt),
  ],
);
