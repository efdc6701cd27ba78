CREATE TABLE "conversations" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patent_interests" (
	"user_id" integer NOT NULL,
	"patent_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patent_interests_user_id_patent_id_pk" PRIMARY KEY("user_id","patent_id")
);
--> statement-breakpoint
CREATE TABLE "patents" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"title_en" text,
	"abstract" text,
	"applicants" text[] DEFAULT '{}'::text[] NOT NULL,
	"inventors" text[] DEFAULT '{}'::text[] NOT NULL,
	"application_number" text,
	"grant_publication_number" text,
	"application_date" date,
	"publication_date" date,
	"grant_date" date,
	"ipc" text[] DEFAULT '{}'::text[] NOT NULL,
	"patent_type" text,
	"legal_status" text,
	"applicant_address" text,
	"province" text,
	"province_raw" text,
	"city" text,
	"language" text,
	"source" text,
	"source_category" text[] DEFAULT '{}'::text[] NOT NULL,
	"trade_modes" text[] DEFAULT '{}'::text[] NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"content_hash" text NOT NULL,
	"indexed_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"platform" text NOT NULL,
	"update_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_updates_platform_update_id_pk" PRIMARY KEY("platform","update_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"locale" text DEFAULT 'zh' NOT NULL,
	"locale_fixed" boolean DEFAULT false NOT NULL,
	"subscribed" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patent_interests" ADD CONSTRAINT "patent_interests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patent_interests" ADD CONSTRAINT "patent_interests_patent_id_patents_id_fk" FOREIGN KEY ("patent_id") REFERENCES "public"."patents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patents_application_number_idx" ON "patents" USING btree ("application_number");--> statement-breakpoint
CREATE INDEX "patents_grant_number_idx" ON "patents" USING btree ("grant_publication_number");--> statement-breakpoint
CREATE INDEX "patents_updated_at_idx" ON "patents" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "processed_updates_at_idx" ON "processed_updates" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_platform_user_uq" ON "users" USING btree ("platform","platform_user_id");