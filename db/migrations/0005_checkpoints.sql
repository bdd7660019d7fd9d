CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" bigint,
	"action" text NOT NULL,
	"subject_user_ids" bigint[],
	"scope_type" text,
	"scope_id" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"parent_id" bigint,
	"code" text NOT NULL,
	"short_code" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"province_code" text,
	"commune_code" text,
	"address" text NOT NULL,
	"kind" text NOT NULL,
	"stay_minutes" integer NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"code_rotated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"checkpoint_id" bigint NOT NULL,
	"user_id" bigint,
	"person_id" bigint,
	"visitor_key" text NOT NULL,
	"visitor_name" text,
	"visitor_phone" text,
	"method" text NOT NULL,
	"checked_in_by" bigint,
	"checked_in_at" timestamp with time zone NOT NULL,
	"auto_checkout_at" timestamp with time zone NOT NULL,
	"checked_out_at" timestamp with time zone,
	"ended_how" text
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_parent_id_checkpoints_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_user_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_scope_idx" ON "audit_log" USING btree ("scope_type","scope_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "checkpoints_code_idx" ON "checkpoints" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "checkpoints_short_code_idx" ON "checkpoints" USING btree ("short_code");--> statement-breakpoint
CREATE INDEX "checkpoints_parent_idx" ON "checkpoints" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "checkpoints_commune_idx" ON "checkpoints" USING btree ("commune_code");--> statement-breakpoint
CREATE INDEX "visits_checkpoint_in_idx" ON "visits" USING btree ("checkpoint_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_user_in_idx" ON "visits" USING btree ("user_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_person_in_idx" ON "visits" USING btree ("person_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_visitor_in_idx" ON "visits" USING btree ("visitor_key","checked_in_at");--> statement-breakpoint
CREATE UNIQUE INDEX "visits_one_open_idx" ON "visits" USING btree ("visitor_key") WHERE "visits"."checked_out_at" is null;--> statement-breakpoint
CREATE INDEX "visits_due_idx" ON "visits" USING btree ("auto_checkout_at") WHERE "visits"."checked_out_at" is null;