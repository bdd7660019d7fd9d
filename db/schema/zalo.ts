import { pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.js";

/**
 * The Official Account's token pair. Refresh tokens are single-use: the pair is replaced in one statement,
 * under the row's lock, before the new access token is used, so no instance ever holds a burnt refresh token.
 */
export const zaloTokens = pgTable("zalo_tokens", {
  /** The OA id when configured, else the app id. */
  key: text("key").primaryKey(),
  accessToken: text("access_token").notNull(),
  refreshToken: text("refresh_token").notNull(),
  accessExpiresAt: at("access_expires_at").notNull(),
  /** sha256 of the refresh token the environment seeded: a new pair in the environment replaces the row. */
  seedFingerprint: text("seed_fingerprint").notNull(),
  rotatedAt: at("rotated_at").notNull(),
});

/** When each Zalo user last wrote to (or followed) the OA: free replies for 48 h, paid ones up to 7 days. */
export const zaloInteractions = pgTable("zalo_interactions", {
  userId: text("user_id").primaryKey(),
  lastInteractionAt: at("last_interaction_at").notNull(),
});
