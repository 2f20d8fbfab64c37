import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { calendarIntegrations } from "./integrations";

export const syncRunKind = pgEnum("sync_run_kind", ["import", "export"]);
export const syncRunTrigger = pgEnum("sync_run_trigger", ["manual", "schedule", "notification", "change", "api"]);
export const syncRunStatus = pgEnum("sync_run_status", ["running", "succeeded", "failed"]);

/** A problem one run met without stopping: an event Outlook refused, a calendar that vanished. */
export interface SyncRunIssue {
  message: string;
  eventId?: string;
  graphEventId?: string;
  status?: number;
}

/** One import or export of one integration: what it changed, what it cost in Graph requests, what went wrong. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    integrationId: uuid()
      .notNull()
      .references(() => calendarIntegrations.id, { onDelete: "cascade" }),
    kind: syncRunKind().notNull(),
    trigger: syncRunTrigger().notNull(),
    status: syncRunStatus().notNull().default("running"),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    created: integer().notNull().default(0),
    updated: integer().notNull().default(0),
    deleted: integer().notNull().default(0),
    /** Delta pages an import has read so far: with the counts above, kept current page by page while it runs. */
    pages: integer().notNull().default(0),
    /** Graph requests sent, retries included. */
    requests: integer().notNull().default(0),
    /** Of those, answered 429. */
    throttled: integer().notNull().default(0),
    issues: jsonb().$type<SyncRunIssue[]>().notNull().default([]),
    /** Why the run failed as a whole. */
    error: text(),
    /** The process that ran it (`host pid`): which worker synced a mailbox when. */
    worker: text(),
  },
  (table) => [index("sync_runs_integration_started_at_idx").on(table.integrationId, table.startedAt)],
);
