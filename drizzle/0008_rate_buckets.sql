CREATE UNLOGGED TABLE "rate_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at" timestamp (6) with time zone NOT NULL,
	"full_at" timestamp (6) with time zone NOT NULL
);--> statement-breakpoint
ALTER TABLE "send_clock" SET UNLOGGED;
