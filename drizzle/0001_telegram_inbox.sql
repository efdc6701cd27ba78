CREATE TABLE "inbound_updates" (
	"platform" text NOT NULL,
	"update_id" text NOT NULL,
	"chat_id" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"replies" jsonb,
	"sent" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_updates_platform_update_id_pk" PRIMARY KEY("platform","update_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "unreachable_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "inbound_updates_status_idx" ON "inbound_updates" USING btree ("status","received_at");