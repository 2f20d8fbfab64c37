ALTER TABLE "sync_cursors" ADD COLUMN "resync_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "graph_seen_at" timestamp with time zone;