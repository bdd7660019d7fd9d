import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { at, day } from "./columns.js";
import { users } from "./core.js";
import { people } from "./declarations.js";

/** A daily report window in minutes after local midnight, [from, to). */
export interface ReportWindowColumn {
  from: number;
  to: number;
}

/**
 * A monitored population: a centralized quarantine facility, a home-quarantine group or a lockdown area
 * (a village / residential group of a commune). Days are local ("YYYY-MM-DD"): people report on the days
 * from `startsOn` up to the day before `endsOn`; on `endsOn` the group closes.
 */
export const monitoringGroups = pgTable(
  "monitoring_groups",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull().$type<"facility" | "home" | "lockdown">(),
    name: text("name").notNull(),
    /** Official commune code (lockdown areas; null for facilities and home groups). */
    communeCode: text("commune_code"),
    /** The village / residential group of a lockdown area, or a facility's address. */
    place: text("place").notNull(),
    startsOn: day("starts_on").notNull(),
    endsOn: day("ends_on").notNull(),
    windows: jsonb("windows").notNull().$type<ReportWindowColumn[]>(),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    closedAt: at("closed_at"),
  },
  (t) => [
    index("monitoring_groups_commune_idx").on(t.communeCode),
    index("monitoring_groups_closed_idx").on(t.closedAt),
  ],
);

export const MEMBER_STATUSES = ["pending", "invited", "active", "released", "removed"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/**
 * The statuses of someone still in a group: listed (not yet registered), invited (registered, not yet
 * linked) or active. Every query for current members uses this list, and so does the index below.
 */
export const LIVE_MEMBER_STATUSES = [
  "pending",
  "invited",
  "active",
] as const satisfies readonly MemberStatus[];
export type LiveMemberStatus = (typeof LIVE_MEMBER_STATUSES)[number];

export const MEMBER_SOURCES = ["list", "link"] as const;

/**
 * One person followed by a group, with their own period. `userId` is the account that reports and gets the
 * reminders (null while a listed phone has not registered); `personId` names a dependent that account
 * reports for (null: the account holder). Released and removed rows are purged after the retention.
 */
export const monitoringMembers = pgTable(
  "monitoring_members",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    groupId: bigint("group_id", { mode: "number" })
      .notNull()
      .references(() => monitoringGroups.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    personId: bigint("person_id", { mode: "number" }).references(() => people.id, { onDelete: "cascade" }),
    /** E.164, from the list file: how a listed person is found when they register. */
    phone: text("phone"),
    name: text("name").notNull().default(""),
    /** Room (facility) or house (lockdown area, home). */
    room: text("room"),
    startsOn: day("starts_on").notNull(),
    endsOn: day("ends_on").notNull(),
    status: text("status", { enum: MEMBER_STATUSES }).notNull(),
    source: text("source", { enum: MEMBER_SOURCES }).notNull(),
    linkedAt: at("linked_at"),
    /** No reminders before this time (the manager paused them, e.g. a stay in hospital). */
    pausedUntil: at("paused_until"),
    createdAt: at("created_at").notNull().defaultNow(),
    /** When the member was released or removed. */
    closedAt: at("closed_at"),
  },
  (t) => [
    // One live entry per listed phone, per account holder, per dependent in a group.
    uniqueIndex("monitoring_members_phone_uq")
      .on(t.groupId, t.phone)
      .where(
        sql`${t.phone} is not null and ${t.status} in (${sql.raw(LIVE_MEMBER_STATUSES.map((s) => `'${s}'`).join(", "))})`,
      ),
    uniqueIndex("monitoring_members_self_uq")
      .on(t.groupId, t.userId)
      .where(sql`${t.personId} is null and ${t.userId} is not null and ${t.status} = 'active'`),
    uniqueIndex("monitoring_members_person_uq")
      .on(t.groupId, t.personId)
      .where(sql`${t.personId} is not null and ${t.status} = 'active'`),
    index("monitoring_members_user_idx").on(t.userId),
    index("monitoring_members_phone_idx").on(t.phone),
    index("monitoring_members_group_idx").on(t.groupId, t.status),
  ],
);

/**
 * A daily health report: one per member, local day and window (0 morning, 1 evening); a second report in
 * the same window replaces the first. Temperatures are kept in tenths of a degree.
 */
export const dailyReports = pgTable(
  "daily_reports",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    memberId: bigint("member_id", { mode: "number" })
      .notNull()
      .references(() => monitoringMembers.id, { onDelete: "cascade" }),
    localDate: day("local_date").notNull(),
    window: integer("window").notNull(),
    reportedAt: at("reported_at").notNull(),
    reportedBy: bigint("reported_by", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    /** The one-button "well, no symptoms" report. */
    healthy: boolean("healthy").notNull(),
    temperatureBand: text("temperature_band"),
    temperatureTenths: integer("temperature_tenths"),
    symptoms: jsonb("symptoms").notNull().$type<string[]>().default([]),
    spo2: integer("spo2"),
    note: text("note"),
    /** A symptom, a temperature of 37.5 °C or more, or a low SpO2: managers were alerted. */
    alert: boolean("alert").notNull(),
  },
  (t) => [
    uniqueIndex("daily_reports_occasion_uq").on(t.memberId, t.localDate, t.window),
    index("daily_reports_member_idx").on(t.memberId, t.reportedAt),
  ],
);

/** Every reminder queued, stamped before it is sent: the 12-hour rule and the second reminder read it. */
export const monitoringReminders = pgTable(
  "monitoring_reminders",
  {
    memberId: bigint("member_id", { mode: "number" })
      .notNull()
      .references(() => monitoringMembers.id, { onDelete: "cascade" }),
    localDate: day("local_date").notNull(),
    window: integer("window").notNull(),
    /** 1: the first reminder of the window, 2: the one near its end. */
    n: integer("n").notNull(),
    sentAt: at("sent_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.localDate, t.window, t.n] }),
    index("monitoring_reminders_sent_idx").on(t.sentAt),
  ],
);

/** A text a manager sent to the whole group (one outbox row per recipient). */
export const monitoringBroadcasts = pgTable("monitoring_broadcasts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  groupId: bigint("group_id", { mode: "number" })
    .notNull()
    .references(() => monitoringGroups.id, { onDelete: "cascade" }),
  sentBy: bigint("sent_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
  text: text("text").notNull(),
  recipients: integer("recipients").notNull(),
  sentAt: at("sent_at").notNull(),
});
