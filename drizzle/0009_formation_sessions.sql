CREATE TABLE "formation_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"formation_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"location" text,
	"online_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "agenda_events_owner_formation_key";--> statement-breakpoint
ALTER TABLE "formations" ADD COLUMN "cancellation_reason" text;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "formation_session_id" uuid;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "formation_cancelled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD COLUMN "cancellation_reason" text;--> statement-breakpoint
ALTER TABLE "formation_sessions" ADD CONSTRAINT "formation_sessions_formation_id_formations_id_fk" FOREIGN KEY ("formation_id") REFERENCES "public"."formations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "formation_sessions_formation_id_starts_at_idx" ON "formation_sessions" USING btree ("formation_id","starts_at");--> statement-breakpoint
-- Every formation so far was one block: it becomes its one session, and its agenda rows mirror that session.
INSERT INTO "formation_sessions" ("formation_id", "position", "starts_at", "ends_at")
  SELECT "id", 1, "starts_at", "ends_at" FROM "formations";--> statement-breakpoint
UPDATE "agenda_events" SET "formation_session_id" = "formation_sessions"."id"
  FROM "formation_sessions" WHERE "formation_sessions"."formation_id" = "agenda_events"."formation_id";--> statement-breakpoint
-- exported_formation_version now counts the row's own version: a copy that showed the formation's current version
-- shows the row's; any other is rewritten by the next export.
UPDATE "agenda_events" SET "exported_formation_version" = CASE
    WHEN "agenda_events"."exported_formation_version" >= "formations"."version" THEN "agenda_events"."version" END
  FROM "formations"
  WHERE "formations"."id" = "agenda_events"."formation_id" AND "agenda_events"."exported_formation_version" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "agenda_events_owner_formation_session_key" ON "agenda_events" USING btree ("owner_id","formation_session_id") WHERE "agenda_events"."formation_session_id" is not null;--> statement-breakpoint
CREATE INDEX "agenda_events_formation_id_idx" ON "agenda_events" USING btree ("formation_id") WHERE "agenda_events"."formation_id" is not null;