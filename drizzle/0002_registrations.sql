CREATE TABLE "notices" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"text_zh" text NOT NULL,
	"text_en" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"expo_slug" text NOT NULL,
	"user_id" integer,
	"name" text,
	"organisation" text,
	"role" text,
	"phone" text,
	"email" text,
	"consent_at" timestamp with time zone,
	"status" text NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notices_user_idx" ON "notices" USING btree ("user_id","delivered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "registrations_code_uq" ON "registrations" USING btree ("expo_slug","code");--> statement-breakpoint
CREATE UNIQUE INDEX "registrations_active_uq" ON "registrations" USING btree ("expo_slug","user_id") WHERE status in ('confirmed', 'waitlisted');--> statement-breakpoint
CREATE INDEX "registrations_queue_idx" ON "registrations" USING btree ("expo_slug","status","created_at");