CREATE TABLE "daily_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"member_id" bigint NOT NULL,
	"local_date" date NOT NULL,
	"window" integer NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"reported_by" bigint,
	"healthy" boolean NOT NULL,
	"temperature_band" text,
	"temperature_tenths" integer,
	"symptoms" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"spo2" integer,
	"note" text,
	"alert" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_broadcasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"group_id" bigint NOT NULL,
	"sent_by" bigint,
	"text" text NOT NULL,
	"recipients" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitoring_groups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"commune_code" text,
	"place" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"windows" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monitoring_members" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"group_id" bigint NOT NULL,
	"user_id" bigint,
	"person_id" bigint,
	"phone" text,
	"name" text DEFAULT '' NOT NULL,
	"room" text,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"linked_at" timestamp with time zone,
	"paused_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monitoring_reminders" (
	"member_id" bigint NOT NULL,
	"local_date" date NOT NULL,
	"window" integer NOT NULL,
	"n" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "monitoring_reminders_member_id_local_date_window_n_pk" PRIMARY KEY("member_id","local_date","window","n")
);
--> statement-breakpoint
ALTER TABLE "daily_reports" ADD CONSTRAINT "daily_reports_member_id_monitoring_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."monitoring_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_reports" ADD CONSTRAINT "daily_reports_reported_by_users_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_broadcasts" ADD CONSTRAINT "monitoring_broadcasts_group_id_monitoring_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."monitoring_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_broadcasts" ADD CONSTRAINT "monitoring_broadcasts_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_groups" ADD CONSTRAINT "monitoring_groups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_group_id_monitoring_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."monitoring_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_reminders" ADD CONSTRAINT "monitoring_reminders_member_id_monitoring_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."monitoring_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "daily_reports_occasion_uq" ON "daily_reports" USING btree ("member_id","local_date","window");--> statement-breakpoint
CREATE INDEX "daily_reports_member_idx" ON "daily_reports" USING btree ("member_id","reported_at");--> statement-breakpoint
CREATE INDEX "monitoring_groups_commune_idx" ON "monitoring_groups" USING btree ("commune_code");--> statement-breakpoint
CREATE INDEX "monitoring_groups_closed_idx" ON "monitoring_groups" USING btree ("closed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_members_phone_uq" ON "monitoring_members" USING btree ("group_id","phone") WHERE "monitoring_members"."phone" is not null and "monitoring_members"."status" in ('pending', 'invited', 'active');--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_members_self_uq" ON "monitoring_members" USING btree ("group_id","user_id") WHERE "monitoring_members"."person_id" is null and "monitoring_members"."user_id" is not null and "monitoring_members"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "monitoring_members_person_uq" ON "monitoring_members" USING btree ("group_id","person_id") WHERE "monitoring_members"."person_id" is not null and "monitoring_members"."status" = 'active';--> statement-breakpoint
CREATE INDEX "monitoring_members_user_idx" ON "monitoring_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "monitoring_members_phone_idx" ON "monitoring_members" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "monitoring_members_group_idx" ON "monitoring_members" USING btree ("group_id","status");--> statement-breakpoint
CREATE INDEX "monitoring_reminders_sent_idx" ON "monitoring_reminders" USING btree ("sent_at");