CREATE TABLE "admin_units" (
	"code" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"parent_code" text,
	"name" text NOT NULL,
	"full_name" text NOT NULL,
	"name_en" text,
	"search" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "identities" (
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"user_id" bigint NOT NULL,
	"chat_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identities_channel_external_id_pk" PRIMARY KEY("channel","external_id")
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"channel" text NOT NULL,
	"update_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_updates_channel_update_id_pk" PRIMARY KEY("channel","update_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"state" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_channel_chat_id_pk" PRIMARY KEY("channel","chat_id")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"lang" text,
	"phone" text,
	"phone_verified_at" timestamp with time zone,
	"display_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "declaration_drafts" (
	"user_id" bigint NOT NULL,
	"subject" text NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "declaration_drafts_user_id_subject_pk" PRIMARY KEY("user_id","subject")
);
--> statement-breakpoint
CREATE TABLE "declarations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"form_version" integer NOT NULL,
	"answers" jsonb NOT NULL,
	"status" text NOT NULL,
	"declared_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"province_code" text,
	"commune_code" text
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"full_name" text NOT NULL,
	"birth_year" integer,
	"relation" text,
	"id_number_hash" text,
	"id_number_masked" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "chat_reachability" (
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "chat_reachability_channel_chat_id_pk" PRIMARY KEY("channel","chat_id")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"name" text NOT NULL,
	"slot_key" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "job_runs_name_slot_key_pk" PRIMARY KEY("name","slot_key")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"not_before" timestamp with time zone,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "invitation_uses" (
	"invitation_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"max_uses" integer,
	"uses" integer DEFAULT 0 NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "role_grants" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"role" text NOT NULL,
	"scope_type" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"granted_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trace_contacts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trace_id" bigint NOT NULL,
	"degree" integer NOT NULL,
	"visitor_key" text NOT NULL,
	"user_id" bigint,
	"person_id" bigint,
	"name" text DEFAULT '' NOT NULL,
	"phone" text,
	"via_contact_id" bigint,
	"checkpoint_id" bigint,
	"place_name" text DEFAULT '' NOT NULL,
	"exposed_at" timestamp with time zone NOT NULL,
	"exposure_end" timestamp with time zone NOT NULL,
	"overlap_minutes" integer NOT NULL,
	"exposures" integer NOT NULL,
	"follow_up" text DEFAULT 'not_attempted' NOT NULL,
	"follow_up_at" timestamp with time zone,
	"follow_up_by" bigint,
	"notified_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "traces" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"officer_user_id" bigint,
	"case_person_id" bigint,
	"case_user_id" bigint,
	"case_keys" text[] NOT NULL,
	"case_name" text NOT NULL,
	"case_province_code" text,
	"case_commune_code" text,
	"scope_type" text NOT NULL,
	"scope_id" text DEFAULT '' NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"buffer_minutes" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"f2_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" bigint,
	"notices_at" timestamp with time zone,
	"group_id" bigint
);
--> statement-breakpoint
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
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_parent_id_checkpoints_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declaration_drafts" ADD CONSTRAINT "declaration_drafts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declarations" ADD CONSTRAINT "declarations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declarations" ADD CONSTRAINT "declarations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_reports" ADD CONSTRAINT "daily_reports_member_id_monitoring_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."monitoring_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_reports" ADD CONSTRAINT "daily_reports_reported_by_users_id_fk" FOREIGN KEY ("reported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_broadcasts" ADD CONSTRAINT "monitoring_broadcasts_group_id_monitoring_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."monitoring_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_broadcasts" ADD CONSTRAINT "monitoring_broadcasts_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_groups" ADD CONSTRAINT "monitoring_groups_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_group_id_monitoring_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."monitoring_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_members" ADD CONSTRAINT "monitoring_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitoring_reminders" ADD CONSTRAINT "monitoring_reminders_member_id_monitoring_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."monitoring_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_uses" ADD CONSTRAINT "invitation_uses_invitation_id_invitations_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."invitations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitation_uses" ADD CONSTRAINT "invitation_uses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_grants" ADD CONSTRAINT "role_grants_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_contacts" ADD CONSTRAINT "trace_contacts_trace_id_traces_id_fk" FOREIGN KEY ("trace_id") REFERENCES "public"."traces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_contacts" ADD CONSTRAINT "trace_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_contacts" ADD CONSTRAINT "trace_contacts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_contacts" ADD CONSTRAINT "trace_contacts_follow_up_by_users_id_fk" FOREIGN KEY ("follow_up_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_officer_user_id_users_id_fk" FOREIGN KEY ("officer_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_case_person_id_people_id_fk" FOREIGN KEY ("case_person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_case_user_id_users_id_fk" FOREIGN KEY ("case_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traces" ADD CONSTRAINT "traces_group_id_monitoring_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."monitoring_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_units_parent_idx" ON "admin_units" USING btree ("parent_code","level");--> statement-breakpoint
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
CREATE INDEX "visits_due_idx" ON "visits" USING btree ("auto_checkout_at") WHERE "visits"."checked_out_at" is null;--> statement-breakpoint
CREATE INDEX "identities_user_idx" ON "identities" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "processed_updates_at_idx" ON "processed_updates" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "users_phone_idx" ON "users" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "declarations_person_idx" ON "declarations" USING btree ("person_id","declared_at");--> statement-breakpoint
CREATE INDEX "declarations_commune_idx" ON "declarations" USING btree ("commune_code","declared_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_subject_idx" ON "people" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_self_idx" ON "people" USING btree ("user_id") WHERE "people"."kind" = 'self';--> statement-breakpoint
CREATE INDEX "people_user_idx" ON "people" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "people_id_hash_idx" ON "people" USING btree ("id_number_hash");--> statement-breakpoint
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
CREATE INDEX "monitoring_reminders_sent_idx" ON "monitoring_reminders" USING btree ("sent_at");--> statement-breakpoint
CREATE INDEX "job_runs_claimed_idx" ON "job_runs" USING btree ("claimed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_key_idx" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_live_idx" ON "outbox" USING btree ("channel","id") WHERE "outbox"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "outbox" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invitation_uses_unique" ON "invitation_uses" USING btree ("invitation_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_idx" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "role_grants_unique" ON "role_grants" USING btree ("user_id","role","scope_type","scope_id");--> statement-breakpoint
CREATE INDEX "role_grants_scope_idx" ON "role_grants" USING btree ("scope_type","scope_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "trace_contacts_unique" ON "trace_contacts" USING btree ("trace_id","visitor_key");--> statement-breakpoint
CREATE INDEX "trace_contacts_user_idx" ON "trace_contacts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "traces_created_idx" ON "traces" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "traces_case_person_idx" ON "traces" USING btree ("case_person_id");