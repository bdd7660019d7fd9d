import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./core.js";

/**
 * Who looked at or exported personal data, append-only: nothing in the code updates or deletes a row.
 * `scopeType`/`scopeId` name what was looked at (a checkpoint, a group, a commune); `subjectUserIds` the
 * people whose data it was, when known.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorUserId: bigint("actor_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    action: text("action").notNull(),
    subjectUserIds: bigint("subject_user_ids", { mode: "number" }).array(),
    scopeType: text("scope_type"),
    scopeId: text("scope_id"),
    detail: jsonb("detail"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorUserId, t.at),
    index("audit_log_scope_idx").on(t.scopeType, t.scopeId, t.at),
  ],
);
