CREATE TYPE "public"."audit_actor_kind" AS ENUM('user', 'service', 'system');--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "service_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "user_label" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_kind" "audit_actor_kind" DEFAULT 'system' NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_label" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "subject_type" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "subject_label" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_occurred_at_idx" ON "audit_log" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_user_occurred_at_idx" ON "audit_log" USING btree ("actor_user_id","occurred_at");--> statement-breakpoint
-- Rows written before actors had a kind and labels: said from the references they hold, while those still exist.
UPDATE "audit_log" SET "actor_kind" = CASE WHEN "actor_user_id" IS NOT NULL THEN 'user'::"audit_actor_kind" WHEN "actor_service_token_id" IS NOT NULL THEN 'service'::"audit_actor_kind" ELSE 'system'::"audit_actor_kind" END,
  "actor_label" = COALESCE((SELECT "email" FROM "users" WHERE "users"."id" = "audit_log"."actor_user_id"), (SELECT "name" FROM "service_tokens" WHERE "service_tokens"."id" = "audit_log"."actor_service_token_id")),
  "user_label" = (SELECT "email" FROM "users" WHERE "users"."id" = "audit_log"."user_id");
