CREATE TYPE "public"."cancelled_formations_in_outlook" AS ENUM('mark', 'delete');--> statement-breakpoint
CREATE TABLE "platform_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"cancelled_formations_in_outlook" "cancelled_formations_in_outlook" DEFAULT 'mark' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_settings_single_row" CHECK ("platform_settings"."singleton")
);
