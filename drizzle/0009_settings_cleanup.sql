ALTER TABLE "agenda_events" ADD COLUMN "stray_graph_event_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD COLUMN "resolved_with" "sync_conflict_side";--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD COLUMN "resolved_at" timestamp with time zone;