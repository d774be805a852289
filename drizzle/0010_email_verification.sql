ALTER TABLE "account_tokens" ADD COLUMN "session_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Hand-written, after the generated SQL: accounts that existed before verification are counted as
-- verified. They were made when no address was ever proven, so leaving them unverified would lock
-- every one of them out the day REQUIRE_VERIFIED_EMAIL is turned on; new accounts prove theirs.
UPDATE "users" SET "email_verified" = true;
