import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { at } from "./columns.js";

/**
 * Bulk messages waiting to be sent (reminders, alerts, broadcasts, exposure notices): one row per message,
 * drained by the rate-limited sender in bot/platform/outbox/sender.ts.
 * status: pending → sending (claimed) → sent | unreachable | failed; back to pending on a retry.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel").notNull(),
    chatId: text("chat_id").notNull(),
    /** Enqueueing a key that exists is a no-op; keys name the occasion, e.g. `reminder:2021-08-01:42`. */
    dedupeKey: text("dedupe_key").notNull(),
    /** A Reply, its bytes (photo, document) as base64 (see bot/platform/outbox/payload.ts). */
    payload: jsonb("payload").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Not to be sent before this time (a retry's backoff, a pause on 429); null: as soon as possible. */
    notBefore: at("not_before"),
    claimedAt: at("claimed_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    sentAt: at("sent_at"),
    lastError: text("last_error"),
  },
  (t) => [
    uniqueIndex("outbox_dedupe_key_idx").on(t.dedupeKey),
    // The sender walks only the live rows, in id order; sent rows do not slow it down.
    index("outbox_live_idx").on(t.channel, t.id).where(sql`${t.status} in ('pending', 'sending')`),
    index("outbox_created_idx").on(t.createdAt),
  ],
);

/** Chats a channel could not deliver to (blocked the bot, deactivated, not found), for managers to see. */
export const chatReachability = pgTable(
  "chat_reachability",
  {
    channel: text("channel").notNull(),
    chatId: text("chat_id").notNull(),
    reason: text("reason").notNull(),
    at: at("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
);

/** One row per scheduled tick that ran (or is running), so a tick runs once however many instances run. */
export const jobRuns = pgTable(
  "job_runs",
  {
    name: text("name").notNull(),
    /** The tick's scheduled time in UTC ISO, e.g. 2021-08-01T01:00:00Z. */
    slotKey: text("slot_key").notNull(),
    claimedAt: at("claimed_at").notNull(),
    finishedAt: at("finished_at"),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.name, t.slotKey] }), index("job_runs_claimed_idx").on(t.claimedAt)],
);
