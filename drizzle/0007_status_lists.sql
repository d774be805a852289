CREATE TABLE "status_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"size" integer NOT NULL,
	"permutation_key" text NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"last_reserved_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD COLUMN "kid" text;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD COLUMN "status_list_id" text;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD COLUMN "status_idx" integer;--> statement-breakpoint
CREATE INDEX "status_lists_last_reserved_at_idx" ON "status_lists" USING btree ("last_reserved_at");--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_status_entry_idx" ON "access_tokens" USING btree ("status_list_id","status_idx");