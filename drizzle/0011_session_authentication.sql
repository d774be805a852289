ALTER TABLE "sessions" ADD COLUMN "auth_time" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "amr" text[];--> statement-breakpoint
-- Sessions from before: signed in with a password when they were created.
UPDATE "sessions" SET "auth_time" = "created_at", "amr" = ARRAY['pwd'];--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "auth_time" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "amr" SET NOT NULL;
