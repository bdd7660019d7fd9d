import { bigint, bigserial, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.js";
import { users } from "./core.js";
import { people } from "./declarations.js";
import { monitoringGroups } from "./monitoring.js";

/**
 * One contact tracing an officer ran: whose visits (`caseKeys`, the visit visitor keys of the case), over
 * which period, with which buffer, under which of the officer's scopes (`scopeType`/`scopeId`, also what the
 * audit rows name). The case's residence is kept so that another officer of the same area may act on it.
 * Purged with its contacts after the trace retention.
 */
export const traces = pgTable(
  "traces",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    officerUserId: bigint("officer_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    casePersonId: bigint("case_person_id", { mode: "number" }).references(() => people.id, {
      onDelete: "cascade",
    }),
    /** The account that holds the case (their own, or their guardian's for a dependent). */
    caseUserId: bigint("case_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "cascade",
    }),
    caseKeys: text("case_keys").array().notNull(),
    caseName: text("case_name").notNull(),
    caseProvinceCode: text("case_province_code"),
    caseCommuneCode: text("case_commune_code"),
    scopeType: text("scope_type").notNull(),
    scopeId: text("scope_id").notNull().default(""),
    periodFrom: at("period_from").notNull(),
    periodTo: at("period_to").notNull(),
    bufferMinutes: integer("buffer_minutes").notNull(),
    createdAt: at("created_at").notNull(),
    /** When the F2 contacts were added. */
    f2At: at("f2_at"),
    /** When the officer marked the case confirmed (F0). */
    confirmedAt: at("confirmed_at"),
    confirmedBy: bigint("confirmed_by", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    noticesAt: at("notices_at"),
    groupId: bigint("group_id", { mode: "number" }).references(() => monitoringGroups.id, {
      onDelete: "set null",
    }),
  },
  (t) => [index("traces_created_idx").on(t.createdAt), index("traces_case_person_idx").on(t.casePersonId)],
);

export const FOLLOW_UP_STATUSES = ["not_attempted", "seen_ok", "seen_signs", "missed"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/**
 * A person found by a trace: degree 1 (F1, overlapped the case) or 2 (F2, overlapped an F1 after their
 * exposure, `viaContactId`). The first exposure is summarised here; the file sent to the officer has every
 * one. Name and phone are a snapshot for the officer's follow-up (walk-in visitors have no account).
 */
export const traceContacts = pgTable(
  "trace_contacts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    traceId: bigint("trace_id", { mode: "number" })
      .notNull()
      .references(() => traces.id, { onDelete: "cascade" }),
    degree: integer("degree").notNull(),
    visitorKey: text("visitor_key").notNull(),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    personId: bigint("person_id", { mode: "number" }).references(() => people.id, { onDelete: "cascade" }),
    name: text("name").notNull().default(""),
    phone: text("phone"),
    viaContactId: bigint("via_contact_id", { mode: "number" }),
    checkpointId: bigint("checkpoint_id", { mode: "number" }),
    placeName: text("place_name").notNull().default(""),
    exposedAt: at("exposed_at").notNull(),
    exposureEnd: at("exposure_end").notNull(),
    overlapMinutes: integer("overlap_minutes").notNull(),
    exposures: integer("exposures").notNull(),
    followUp: text("follow_up").notNull().default("not_attempted").$type<FollowUpStatus>(),
    followUpAt: at("follow_up_at"),
    followUpBy: bigint("follow_up_by", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    notifiedAt: at("notified_at"),
  },
  (t) => [
    uniqueIndex("trace_contacts_unique").on(t.traceId, t.visitorKey),
    index("trace_contacts_user_idx").on(t.userId),
  ],
);
