import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./core.js";

/**
 * Someone declarations are made for: the account holder ("self") or a dependent without a phone. `subjectId`
 * is the opaque random id a personal QR carries, never the row id. The ID number is kept only as a keyed
 * hash (HMAC-SHA-256, key in settings) for look-ups, plus its last three characters for display.
 */
export const people = pgTable(
  "people",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull().$type<"self" | "dependent">(),
    subjectId: text("subject_id").notNull(),
    fullName: text("full_name").notNull(),
    birthYear: integer("birth_year"),
    relation: text("relation"),
    idNumberHash: text("id_number_hash"),
    idNumberMasked: text("id_number_masked"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("people_subject_idx").on(t.subjectId),
    uniqueIndex("people_self_idx").on(t.userId).where(sql`${t.kind} = 'self'`),
    index("people_user_idx").on(t.userId),
    index("people_id_hash_idx").on(t.idNumberHash),
  ],
);

/** One filled form: the answers as given (form version kept), the derived status and where the person lives. */
export const declarations = pgTable(
  "declarations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    personId: bigint("person_id", { mode: "number" })
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    /** The account that filled it (the person themselves or their guardian). */
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    formVersion: integer("form_version").notNull(),
    answers: jsonb("answers").notNull(),
    status: text("status").notNull().$type<"green" | "yellow" | "red">(),
    declaredAt: timestamp("declared_at", { withTimezone: true }).notNull(),
    validUntil: timestamp("valid_until", { withTimezone: true }).notNull(),
    provinceCode: text("province_code"),
    communeCode: text("commune_code"),
  },
  (t) => [
    index("declarations_person_idx").on(t.personId, t.declaredAt),
    index("declarations_commune_idx").on(t.communeCode, t.declaredAt),
  ],
);

/** A declaration being filled, kept so that it resumes after another command or a restart. */
export const declarationDrafts = pgTable(
  "declaration_drafts",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** "self" or "p<people.id>". */
    subject: text("subject").notNull(),
    state: jsonb("state").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.subject] })],
);
