CREATE TABLE "webapp_spent" (
	"nonce" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "webapp_spent_expires_idx" ON "webapp_spent" USING btree ("expires_at");