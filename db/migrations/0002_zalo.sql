CREATE TABLE "zalo_interactions" (
	"user_id" text PRIMARY KEY NOT NULL,
	"last_interaction_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "zalo_tokens" (
	"key" text PRIMARY KEY NOT NULL,
	"access_token" text NOT NULL,
	"refresh_token" text NOT NULL,
	"access_expires_at" timestamp with time zone NOT NULL,
	"seed_fingerprint" text NOT NULL,
	"rotated_at" timestamp with time zone NOT NULL
);
