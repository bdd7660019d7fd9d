CREATE TABLE "commune_figures" (
	"commune_code" text PRIMARY KEY NOT NULL,
	"population" integer,
	"coverage" real,
	"updated_by" bigint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commune_levels" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"commune_code" text NOT NULL,
	"level" integer NOT NULL,
	"reason" text NOT NULL,
	"effective_from" date NOT NULL,
	"set_by" bigint,
	"set_at" timestamp with time zone NOT NULL,
	"suggested_level" integer,
	"suggestion" jsonb
);
--> statement-breakpoint
CREATE TABLE "safety_assessments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"checkpoint_id" bigint NOT NULL,
	"checklist_version" integer NOT NULL,
	"answers" jsonb NOT NULL,
	"score" integer NOT NULL,
	"rating" text NOT NULL,
	"assessed_by" bigint,
	"assessed_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "commune_figures" ADD CONSTRAINT "commune_figures_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commune_levels" ADD CONSTRAINT "commune_levels_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_assessments" ADD CONSTRAINT "safety_assessments_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_assessments" ADD CONSTRAINT "safety_assessments_assessed_by_users_id_fk" FOREIGN KEY ("assessed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commune_levels_commune_idx" ON "commune_levels" USING btree ("commune_code","effective_from","set_at");--> statement-breakpoint
CREATE INDEX "safety_assessments_checkpoint_idx" ON "safety_assessments" USING btree ("checkpoint_id","assessed_at");--> statement-breakpoint
CREATE INDEX "safety_assessments_valid_idx" ON "safety_assessments" USING btree ("valid_until");