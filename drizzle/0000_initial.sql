CREATE TYPE "public"."user_locale" AS ENUM('fr', 'en');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('learner', 'trainer', 'admin');--> statement-breakpoint
CREATE TYPE "public"."formation_status" AS ENUM('scheduled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."calendar_provider" AS ENUM('outlook');--> statement-breakpoint
CREATE TYPE "public"."integration_status" AS ENUM('active', 'needs_reauth', 'error', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."event_source" AS ENUM('platform', 'outlook', 'formation');--> statement-breakpoint
CREATE TYPE "public"."event_sync_status" AS ENUM('synced', 'pending', 'error');--> statement-breakpoint
CREATE TYPE "public"."graph_event_type" AS ENUM('singleInstance', 'occurrence', 'exception', 'seriesMaster');--> statement-breakpoint
CREATE TYPE "public"."show_as" AS ENUM('free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."audit_outcome" AS ENUM('success', 'failure');--> statement-breakpoint
CREATE TABLE "service_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform_user_id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "user_role" DEFAULT 'learner' NOT NULL,
	"locale" "user_locale" DEFAULT 'fr' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Paris' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"formation_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollments_formation_id_user_id_pk" PRIMARY KEY("formation_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "formations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"external_id" text,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text,
	"online_url" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"trainer_id" uuid,
	"status" "formation_status" DEFAULT 'scheduled' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" "calendar_provider" DEFAULT 'outlook' NOT NULL,
	"ms_tenant_id" text NOT NULL,
	"ms_object_id" text NOT NULL,
	"ms_home_account_id" text NOT NULL,
	"account_email" text NOT NULL,
	"account_name" text,
	"encrypted_token_cache" text,
	"granted_scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"import_enabled" boolean DEFAULT true NOT NULL,
	"export_enabled" boolean DEFAULT true NOT NULL,
	"auto_sync_enabled" boolean DEFAULT true NOT NULL,
	"import_calendar_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"export_calendar_id" text,
	"status" "integration_status" DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"last_sync_at" timestamp with time zone,
	"last_sync_result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "graph_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"subscription_id" text NOT NULL,
	"resource" text NOT NULL,
	"client_state_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"renewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"calendar_id" text NOT NULL,
	"delta_link" text,
	"next_link" text,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agenda_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"source" "event_source" NOT NULL,
	"integration_id" uuid,
	"formation_id" uuid,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"location" text,
	"online_url" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"is_all_day" boolean DEFAULT false NOT NULL,
	"start_date" date,
	"end_date" date,
	"time_zone" text NOT NULL,
	"show_as" "show_as" DEFAULT 'busy' NOT NULL,
	"graph_event_id" text,
	"graph_ical_uid" text,
	"graph_change_key" text,
	"graph_calendar_id" text,
	"graph_series_master_id" text,
	"graph_event_type" "graph_event_type",
	"recurrence" jsonb,
	"remote_modified_at" timestamp with time zone,
	"sync_status" "event_sync_status" DEFAULT 'synced' NOT NULL,
	"sync_error" text,
	"exported_formation_version" integer,
	"deleted_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"actor_user_id" uuid,
	"actor_service_token_id" uuid,
	"integration_id" uuid,
	"action" text NOT NULL,
	"outcome" "audit_outcome" NOT NULL,
	"detail" jsonb,
	"request_id" text
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_formation_id_formations_id_fk" FOREIGN KEY ("formation_id") REFERENCES "public"."formations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "formations" ADD CONSTRAINT "formations_trainer_id_users_id_fk" FOREIGN KEY ("trainer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_integrations" ADD CONSTRAINT "calendar_integrations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "graph_subscriptions" ADD CONSTRAINT "graph_subscriptions_integration_id_calendar_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."calendar_integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_integration_id_calendar_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."calendar_integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD CONSTRAINT "agenda_events_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD CONSTRAINT "agenda_events_integration_id_calendar_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."calendar_integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_events" ADD CONSTRAINT "agenda_events_formation_id_formations_id_fk" FOREIGN KEY ("formation_id") REFERENCES "public"."formations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_service_token_id_service_tokens_id_fk" FOREIGN KEY ("actor_service_token_id") REFERENCES "public"."service_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_integration_id_calendar_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."calendar_integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_tokens_token_hash_key" ON "service_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "users_platform_user_id_key" ON "users" USING btree ("platform_user_id");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");--> statement-breakpoint
CREATE INDEX "enrollments_user_id_idx" ON "enrollments" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "formations_external_id_key" ON "formations" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "formations_starts_at_idx" ON "formations" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "formations_trainer_id_idx" ON "formations" USING btree ("trainer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_integrations_user_provider_key" ON "calendar_integrations" USING btree ("user_id","provider");--> statement-breakpoint
CREATE INDEX "calendar_integrations_ms_account_idx" ON "calendar_integrations" USING btree ("ms_tenant_id","ms_object_id");--> statement-breakpoint
CREATE INDEX "calendar_integrations_status_idx" ON "calendar_integrations" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "graph_subscriptions_subscription_id_key" ON "graph_subscriptions" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "graph_subscriptions_integration_id_idx" ON "graph_subscriptions" USING btree ("integration_id");--> statement-breakpoint
CREATE INDEX "graph_subscriptions_expires_at_idx" ON "graph_subscriptions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_cursors_integration_calendar_key" ON "sync_cursors" USING btree ("integration_id","calendar_id");--> statement-breakpoint
CREATE INDEX "agenda_events_owner_starts_at_idx" ON "agenda_events" USING btree ("owner_id","starts_at") WHERE "agenda_events"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "agenda_events_integration_graph_id_key" ON "agenda_events" USING btree ("integration_id","graph_event_id") WHERE "agenda_events"."graph_event_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "agenda_events_owner_formation_key" ON "agenda_events" USING btree ("owner_id","formation_id") WHERE "agenda_events"."formation_id" is not null;--> statement-breakpoint
CREATE INDEX "agenda_events_integration_ical_uid_idx" ON "agenda_events" USING btree ("integration_id","graph_ical_uid");--> statement-breakpoint
CREATE INDEX "agenda_events_sync_status_idx" ON "agenda_events" USING btree ("sync_status") WHERE "agenda_events"."sync_status" <> 'synced';--> statement-breakpoint
CREATE INDEX "audit_log_user_occurred_at_idx" ON "audit_log" USING btree ("user_id","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_occurred_at_idx" ON "audit_log" USING btree ("action","occurred_at");