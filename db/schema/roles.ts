import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./core.js";

/**
 * A role a person holds, limited to a scope: `global` (scopeId ""), a `checkpoint` or monitoring `group`
 * (its id), a `commune` or a `province` (official code).
 */
export const roleGrants = pgTable(
  "role_grants",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    scopeType: text("scope_type").notNull(),
    scopeId: text("scope_id").notNull().default(""),
    grantedBy: bigint("granted_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("role_grants_unique").on(t.userId, t.role, t.scopeType, t.scopeId),
    index("role_grants_scope_idx").on(t.scopeType, t.scopeId, t.role),
  ],
);

/**
 * A deep link `/start inv_<token>` that grants something when accepted: a role, or membership of a group.
 * Only a hash of the token is kept, so a database leak does not leak working links.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tokenHash: text("token_hash").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    createdBy: bigint("created_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** null: any number of people may use it (a poster in a village); 1: a personal, one-time link. */
    maxUses: integer("max_uses"),
    uses: integer("uses").notNull().default(0),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** The hash of the short code people send where a link cannot be opened (Zalo); null for older ones. */
    codeHash: text("code_hash"),
  },
  (t) => [
    uniqueIndex("invitations_token_idx").on(t.tokenHash),
    uniqueIndex("invitations_code_idx").on(t.codeHash),
  ],
);

export const invitationUses = pgTable(
  "invitation_uses",
  {
    invitationId: bigint("invitation_id", { mode: "number" })
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    usedAt: timestamp("used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("invitation_uses_unique").on(t.invitationId, t.userId)],
);
