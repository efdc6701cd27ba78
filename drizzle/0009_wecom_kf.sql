CREATE TABLE "wecom_kf_cursors" (
	"open_kfid" text PRIMARY KEY NOT NULL,
	"cursor" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wecom_kf_customers" (
	"external_userid" text PRIMARY KEY NOT NULL,
	"open_kfid" text NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
