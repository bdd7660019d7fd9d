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
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

/** A person known to the bot, whatever channel they came from. */
export const users = pgTable(
  "users",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    lang: text("lang"),
    phone: text("phone"),
    phoneVerifiedAt: timestamp("phone_verified_at", { withTimezone: true }),
    displayName: text("display_name"),
    /** The version of the privacy notice the person agreed to, and when (null: not yet asked or erased). */
    consentVersion: integer("consent_version"),
    consentedAt: timestamp("consented_at", { withTimezone: true }),
    /** Set by /delete: the row is kept (audit rows point to it, the chat still reaches the bot), emptied. */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("users_phone_idx").on(t.phone)],
);

/** How a person is reached: one row per channel account (a Telegram user id, a Zalo user id, the terminal). */
export const identities = pgTable(
  "identities",
  {
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    chatId: text("chat_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalId] }), index("identities_user_idx").on(t.userId)],
);

/** The conversation state of one chat: which flow, which step, the answers so far. */
export const sessions = pgTable(
  "sessions",
  {
    channel: text("channel").notNull(),
    chatId: text("chat_id").notNull(),
    state: jsonb("state"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
);

/** Updates already handled, so a redelivered webhook or poll batch has no second effect. */
export const processedUpdates = pgTable(
  "processed_updates",
  {
    channel: text("channel").notNull(),
    updateId: text("update_id").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.updateId] }),
    index("processed_updates_at_idx").on(t.processedAt),
  ],
);

/** Small named values the system keeps for itself (generated keys, cursors). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
