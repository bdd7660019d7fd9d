CREATE TABLE "visit_disputes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"checkpoint_id" bigint NOT NULL,
	"visit_id" bigint NOT NULL,
	"staff_user_id" bigint,
	"checked_in_at" timestamp with time zone NOT NULL,
	"disputed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "visit_disputes" ADD CONSTRAINT "visit_disputes_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_disputes" ADD CONSTRAINT "visit_disputes_staff_user_id_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "visit_disputes_visit_idx" ON "visit_disputes" USING btree ("visit_id");--> statement-breakpoint
CREATE INDEX "visit_disputes_checkpoint_idx" ON "visit_disputes" USING btree ("checkpoint_id","disputed_at");