ALTER TABLE "invitations" ADD COLUMN "code_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_code_idx" ON "invitations" USING btree ("code_hash");