CREATE TABLE "email_addresses" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"consented_at" timestamp with time zone NOT NULL,
	"permanent_failures" integer DEFAULT 0 NOT NULL,
	"bounced_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_addresses" ADD CONSTRAINT "email_addresses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;