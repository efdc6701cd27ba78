CREATE TABLE "broadcast_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"broadcast_id" integer NOT NULL,
	"user_id" integer,
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"error" text,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" serial PRIMARY KEY NOT NULL,
	"audience" jsonb NOT NULL,
	"text_zh" text,
	"text_en" text,
	"link_url" text,
	"created_by" integer,
	"progress_platform" text,
	"progress_chat" text,
	"progress_message_id" text,
	"progress_locale" text DEFAULT 'zh' NOT NULL,
	"progress_at" timestamp with time zone,
	"status" text DEFAULT 'sending' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "send_clock" (
	"key" text PRIMARY KEY NOT NULL,
	"next_at" timestamp (6) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "unsubscribed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "broadcast_deliveries" ADD CONSTRAINT "broadcast_deliveries_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_deliveries" ADD CONSTRAINT "broadcast_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_deliveries_uq" ON "broadcast_deliveries" USING btree ("broadcast_id","platform","chat_id");--> statement-breakpoint
CREATE INDEX "broadcast_deliveries_due_idx" ON "broadcast_deliveries" USING btree ("platform","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "broadcast_deliveries_progress_idx" ON "broadcast_deliveries" USING btree ("broadcast_id","status");