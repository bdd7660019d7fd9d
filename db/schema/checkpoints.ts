import {
  type AnyPgColumn,
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { at } from "./columns.js";
import { users } from "./core.js";
import { people } from "./declarations.js";

/**
 * A place visitors check in at: an agency, a shop, a bus, or a part of one (a floor, a gate) when `parentId`
 * is set. `code` (96 random bits) is what a poster's deep link carries, `shortCode` what people type; both
 * change when the code is rotated, which stops old posters from working.
 */
export const checkpoints = pgTable(
  "checkpoints",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    parentId: bigint("parent_id", { mode: "number" }).references((): AnyPgColumn => checkpoints.id, {
      onDelete: "cascade",
    }),
    code: text("code").notNull(),
    shortCode: text("short_code").notNull(),
    name: text("name").notNull(),
    phone: text("phone"),
    provinceCode: text("province_code"),
    communeCode: text("commune_code"),
    /** The address as people read it: detail, commune, province. */
    address: text("address").notNull(),
    kind: text("kind").notNull(),
    /** After this long a visit ends by itself (15 min to 23 h 45). */
    stayMinutes: integer("stay_minutes").notNull(),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    codeRotatedAt: at("code_rotated_at"),
  },
  (t) => [
    uniqueIndex("checkpoints_code_idx").on(t.code),
    uniqueIndex("checkpoints_short_code_idx").on(t.shortCode),
    index("checkpoints_parent_idx").on(t.parentId),
    index("checkpoints_commune_idx").on(t.communeCode),
  ],
);

/** How a visit began: a deep link, a photo of the poster, its typed short code, or by staff. */
export const VISIT_METHODS = ["link", "photo", "code", "staff_qr", "staff_manual"] as const;
export type VisitMethod = (typeof VISIT_METHODS)[number];

/** How a visit ended (see `visits.endedHow`). */
export const VISIT_ENDINGS = ["manual", "automatic", "superseded"] as const;
export type VisitEnding = (typeof VISIT_ENDINGS)[number];

/**
 * One stay at a checkpoint. The visitor is an account holder (`userId`), a dependent scanned by staff
 * (`personId`, no `userId`), or someone without a smartphone checked in by name and phone (`visitorName`,
 * `visitorPhone`). `visitorKey` names the visitor whichever it is ("u:<user>", "p:<person>", "w:<phone>").
 * `checkedOutAt` is null while the visit is open (and `openVisits` then holds it); `endedHow` says how it
 * ended: manual (the visitor or staff), automatic (the stay ran out: `checkedOutAt` is then the end of the
 * stay) or superseded (a check-in elsewhere).
 *
 * In the database (migration 0006_visits_partitioned) the table is `PARTITION BY RANGE (checked_in_at)`: one
 * partition per local day, made ahead by `ensureVisitPartitions`, a DEFAULT partition for anything else, so
 * that retention drops a day's partition instead of deleting its rows. drizzle cannot declare partitioning,
 * so here it is an ordinary table with the same columns, primary key and indexes (each index exists on every
 * partition). The primary key includes the partition key, as PostgreSQL requires of any unique index on a
 * partitioned table, which is also why "one open visit per visitor" lives in `openVisits`.
 */
export const visits = pgTable(
  "visits",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    checkpointId: bigint("checkpoint_id", { mode: "number" })
      .notNull()
      .references(() => checkpoints.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    personId: bigint("person_id", { mode: "number" }).references(() => people.id, { onDelete: "cascade" }),
    visitorKey: text("visitor_key").notNull(),
    visitorName: text("visitor_name"),
    visitorPhone: text("visitor_phone"),
    method: text("method", { enum: VISIT_METHODS }).notNull(),
    checkedInBy: bigint("checked_in_by", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    checkedInAt: at("checked_in_at").notNull(),
    autoCheckoutAt: at("auto_checkout_at").notNull(),
    checkedOutAt: at("checked_out_at"),
    endedHow: text("ended_how", { enum: VISIT_ENDINGS }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.checkedInAt] }),
    // Tracing: who was at this place (or its parts) when, and where was this person when.
    index("visits_checkpoint_in_idx").on(t.checkpointId, t.checkedInAt),
    index("visits_user_in_idx").on(t.userId, t.checkedInAt),
    index("visits_person_in_idx").on(t.personId, t.checkedInAt),
    index("visits_visitor_in_idx").on(t.visitorKey, t.checkedInAt),
  ],
);

/**
 * The open visits, one row per visitor: what makes "one open visit per visitor" hold in the database (its
 * primary key), what a check-in reads to find the visit it ends, and what the automatic check-out and the
 * "inside now" list read. A row exists exactly while its visit's `checkedOutAt` is null: whatever opens,
 * closes, supersedes, reopens or deletes a visit changes this row in the same statement or transaction.
 * It repeats the visit's checkpoint, times and owner, so that those readers need not touch `visits`, and so
 * that deleting a checkpoint, an account or a dependent removes the row as it removes the visit.
 */
export const openVisits = pgTable(
  "open_visits",
  {
    visitorKey: text("visitor_key").primaryKey(),
    visitId: bigint("visit_id", { mode: "number" }).notNull(),
    checkpointId: bigint("checkpoint_id", { mode: "number" })
      .notNull()
      .references(() => checkpoints.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    personId: bigint("person_id", { mode: "number" }).references(() => people.id, { onDelete: "cascade" }),
    checkedInAt: at("checked_in_at").notNull(),
    autoCheckoutAt: at("auto_checkout_at").notNull(),
  },
  (t) => [
    index("open_visits_due_idx").on(t.autoCheckoutAt),
    index("open_visits_checkpoint_idx").on(t.checkpointId),
  ],
);

/**
 * A staff check-in by name and phone that the account holder of that phone said was not them ("Not me"): the
 * visit is deleted and this row is what is left, for the checkpoint's manager. It names no visitor; it keeps
 * the checkpoint, when the check-in was made and by which staff account, and when it was refused.
 * `visitId` is the deleted visit's id, so that a second press is answered as already done.
 */
export const visitDisputes = pgTable(
  "visit_disputes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    checkpointId: bigint("checkpoint_id", { mode: "number" })
      .notNull()
      .references(() => checkpoints.id, { onDelete: "cascade" }),
    visitId: bigint("visit_id", { mode: "number" }).notNull(),
    staffUserId: bigint("staff_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    checkedInAt: at("checked_in_at").notNull(),
    disputedAt: at("disputed_at").notNull(),
  },
  (t) => [
    uniqueIndex("visit_disputes_visit_idx").on(t.visitId),
    index("visit_disputes_checkpoint_idx").on(t.checkpointId, t.disputedAt),
  ],
);
