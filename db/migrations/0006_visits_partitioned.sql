-- Visits partitioned by range of checked_in_at, so that retention drops a day's partition instead of deleting
-- its rows (written by hand: drizzle cannot declare partitioning; db/schema/checkpoints.ts says how it differs).
--
-- 1. open_visits: one row per open visit, its primary key the visitor. It takes over from the unique partial
--    index visits_one_open_idx (a unique index on a partitioned table must include the partition key), and
--    from visits_due_idx for the automatic check-out.
-- 2. The existing table is not copied: it becomes a partition of the new partitioned "visits" as it is —
--    "visits_legacy", for every check-in time up to the migration (or to its latest row) — and keeps its rows
--    and its indexes; only its primary key is rebuilt to include checked_in_at. Retention deletes its rows as
--    they age and drops it once the last one is past the retention. An empty one (a new install) is dropped.
-- 3. A DEFAULT partition catches any check-in no day partition covers, so an insert never fails. The day
--    partitions (one per local day of TZ_REPORTING) are made by the bot, at start and by its housekeeping,
--    ahead of the days they hold (bot/features/checkpoint/partitions.ts).
-- The sequence visits_id_seq stays and moves to the new table; ids go on from where they were.
CREATE TABLE "open_visits" (
	"visitor_key" text PRIMARY KEY NOT NULL,
	"visit_id" bigint NOT NULL,
	"checkpoint_id" bigint NOT NULL,
	"user_id" bigint,
	"person_id" bigint,
	"checked_in_at" timestamp with time zone NOT NULL,
	"auto_checkout_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
INSERT INTO "open_visits" ("visitor_key", "visit_id", "checkpoint_id", "user_id", "person_id", "checked_in_at", "auto_checkout_at")
	SELECT "visitor_key", "id", "checkpoint_id", "user_id", "person_id", "checked_in_at", "auto_checkout_at"
	FROM "visits" WHERE "checked_out_at" IS NULL;--> statement-breakpoint
ALTER TABLE "open_visits" ADD CONSTRAINT "open_visits_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_visits" ADD CONSTRAINT "open_visits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_visits" ADD CONSTRAINT "open_visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "open_visits_due_idx" ON "open_visits" USING btree ("auto_checkout_at");--> statement-breakpoint
CREATE INDEX "open_visits_checkpoint_idx" ON "open_visits" USING btree ("checkpoint_id");--> statement-breakpoint
DROP INDEX "visits_one_open_idx";--> statement-breakpoint
DROP INDEX "visits_due_idx";--> statement-breakpoint
ALTER TABLE "visits" RENAME TO "visits_legacy";--> statement-breakpoint
ALTER INDEX "visits_checkpoint_in_idx" RENAME TO "visits_legacy_checkpoint_in_idx";--> statement-breakpoint
ALTER INDEX "visits_user_in_idx" RENAME TO "visits_legacy_user_in_idx";--> statement-breakpoint
ALTER INDEX "visits_person_in_idx" RENAME TO "visits_legacy_person_in_idx";--> statement-breakpoint
ALTER INDEX "visits_visitor_in_idx" RENAME TO "visits_legacy_visitor_in_idx";--> statement-breakpoint
ALTER TABLE "visits_legacy" DROP CONSTRAINT "visits_pkey";--> statement-breakpoint
ALTER TABLE "visits_legacy" ADD CONSTRAINT "visits_legacy_pkey" PRIMARY KEY ("id", "checked_in_at");--> statement-breakpoint
CREATE TABLE "visits" (
	"id" bigint DEFAULT nextval('visits_id_seq'::regclass) NOT NULL,
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
	"ended_how" text,
	CONSTRAINT "visits_id_checked_in_at_pk" PRIMARY KEY ("id", "checked_in_at")
) PARTITION BY RANGE ("checked_in_at");
--> statement-breakpoint
ALTER SEQUENCE "visits_id_seq" OWNED BY "visits"."id";--> statement-breakpoint
ALTER TABLE "visits_legacy" ALTER COLUMN "id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "visits_checkpoint_in_idx" ON "visits" USING btree ("checkpoint_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_user_in_idx" ON "visits" USING btree ("user_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_person_in_idx" ON "visits" USING btree ("person_id","checked_in_at");--> statement-breakpoint
CREATE INDEX "visits_visitor_in_idx" ON "visits" USING btree ("visitor_key","checked_in_at");--> statement-breakpoint
-- Attaching checks every legacy row against the bound (one sequential scan); its indexes and foreign keys are
-- taken over as the partitioned table's own, not built again.
DO $$
DECLARE
	bound timestamptz;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM "visits_legacy") THEN
		DROP TABLE "visits_legacy";
	ELSE
		SELECT greatest(now(), max("checked_in_at") + interval '1 microsecond') INTO bound FROM "visits_legacy";
		EXECUTE format('ALTER TABLE "visits" ATTACH PARTITION "visits_legacy" FOR VALUES FROM (MINVALUE) TO (%L)', bound);
	END IF;
END
$$;
--> statement-breakpoint
CREATE TABLE "visits_default" PARTITION OF "visits" DEFAULT;
