CREATE TABLE "rate_limit_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stream_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"session_expires_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "formations_external_id_key";--> statement-breakpoint
DROP INDEX "calendar_integrations_ms_account_idx";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "formations" ADD COLUMN "external_id_namespace" text;--> statement-breakpoint
ALTER TABLE "stream_tickets" ADD CONSTRAINT "stream_tickets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stream_tickets_ticket_hash_key" ON "stream_tickets" USING btree ("ticket_hash");--> statement-breakpoint
CREATE INDEX "stream_tickets_expires_at_idx" ON "stream_tickets" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "formations_external_id_namespace_key" ON "formations" USING btree ("external_id_namespace","external_id");--> statement-breakpoint
CREATE INDEX "formations_external_id_idx" ON "formations" USING btree ("external_id");--> statement-breakpoint
-- A Microsoft account connected by several users before this rule: the most recent connection keeps it, the others
-- are disconnected (their owners see why and can connect another account).
UPDATE "calendar_integrations" AS older SET "status" = 'disconnected', "encrypted_token_cache" = NULL,
  "status_reason" = 'microsoft_account_connected_by_another_user', "updated_at" = now()
WHERE older."status" <> 'disconnected' AND EXISTS (
  SELECT 1 FROM "calendar_integrations" AS newer
  WHERE newer."ms_tenant_id" = older."ms_tenant_id" AND newer."ms_object_id" = older."ms_object_id"
    AND newer."status" <> 'disconnected' AND newer."id" <> older."id"
    AND (newer."updated_at", newer."id") > (older."updated_at", older."id")
);--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_integrations_ms_account_key" ON "calendar_integrations" USING btree ("ms_tenant_id","ms_object_id") WHERE "calendar_integrations"."status" <> 'disconnected';