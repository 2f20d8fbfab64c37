ALTER TABLE "agenda_events" ADD COLUMN "outlook_body" text;--> statement-breakpoint
-- Personal events with nothing pending show in Outlook the body they hold: that body is the one last synced.
UPDATE "agenda_events" SET "outlook_body" = "body"
WHERE "source" IN ('platform', 'outlook') AND "graph_event_id" IS NOT NULL AND "outlook_version" = "version";
