import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.js";

/**
 * One-time values of the web page already spent: a link the bot sent, a Telegram init data, a form's
 * submission. A second use finds its row and is refused; rows go once they could no longer be used anyway.
 */
export const webappSpent = pgTable(
  "webapp_spent",
  {
    nonce: text("nonce").primaryKey(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("webapp_spent_expires_idx").on(t.expiresAt)],
);
