CREATE TYPE "public"."sync_conflict_kind" AS ENUM('formation_changed_in_outlook', 'formation_removed_in_outlook', 'edited_on_both_sides', 'removed_in_outlook_edited_here');--> statement-breakpoint
CREATE TYPE "public"."sync_conflict_side" AS ENUM('platform', 'outlook');--> statement-breakpoint
CREATE TABLE "sync_conflicts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"integration_id" uuid,
	"event_id" uuid,
	"formation_id" uuid,
	"sync_run_id" uuid,
	"kind" "sync_conflict_kind" NOT NULL,
	"winner" "sync_conflict_side" NOT NULL,
	"platform_version" jsonb,
	"outlook_version" jsonb,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "outlook_version" integer;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "removed_from_outlook_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "worker" text;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_integration_id_calendar_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."calendar_integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_event_id_agenda_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."agenda_events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_formation_id_formations_id_fk" FOREIGN KEY ("formation_id") REFERENCES "public"."formations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_conflicts" ADD CONSTRAINT "sync_conflicts_sync_run_id_sync_runs_id_fk" FOREIGN KEY ("sync_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_conflicts_owner_detected_at_idx" ON "sync_conflicts" USING btree ("owner_id","detected_at");--> statement-breakpoint
CREATE INDEX "sync_conflicts_event_id_idx" ON "sync_conflicts" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "sync_conflicts_unreviewed_idx" ON "sync_conflicts" USING btree ("owner_id") WHERE "sync_conflicts"."reviewed_at" is null;--> statement-breakpoint
UPDATE "agenda_events" SET "outlook_version" = "version" WHERE "source" = 'outlook';
