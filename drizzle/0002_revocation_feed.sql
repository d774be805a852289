CREATE TABLE "revocation_feed" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
