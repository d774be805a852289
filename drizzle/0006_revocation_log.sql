CREATE TABLE "revocation_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"version" bigint,
	"changes" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"sequenced_at" timestamp (3) with time zone,
	"keep_until" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "revocation_log_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE INDEX "revocation_log_pending_idx" ON "revocation_log" USING btree ("id") WHERE "revocation_log"."version" is null;