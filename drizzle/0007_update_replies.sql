ALTER TABLE "leads" ADD COLUMN "source_key" text;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "replies" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "leads_source_uq" ON "leads" USING btree ("source_key");