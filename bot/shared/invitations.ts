import { createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { invitations, invitationUses } from "../../db/schema/index.js";

export const INVITE_PREFIX = "inv_";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface CreatedInvitation {
  id: number;
  token: string;
  /** The `/start` payload: `inv_<token>`. */
  payload: string;
  expiresAt: Date;
}

/** A new invitation; the token (128 random bits) is returned once and only its hash is stored. */
export async function createInvitation(
  db: DbOrTx,
  opts: {
    kind: string;
    payload: unknown;
    createdBy?: number | null;
    now: Date;
    ttlMs: number;
    maxUses: number | null;
  },
): Promise<CreatedInvitation> {
  const token = randomBytes(16).toString("base64url");
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs);
  const [row] = await db
    .insert(invitations)
    .values({
      tokenHash: hashToken(token),
      kind: opts.kind,
      payload: opts.payload,
      createdBy: opts.createdBy ?? null,
      createdAt: opts.now,
      expiresAt,
      maxUses: opts.maxUses,
    })
    .returning({ id: invitations.id });
  if (!row) throw new Error("invitation insert returned nothing");
  return { id: row.id, token, payload: `${INVITE_PREFIX}${token}`, expiresAt };
}

export type InvitationLookup =
  | { status: "ok"; id: number; kind: string; payload: unknown; expiresAt: Date }
  | { status: "unknown" | "expired" | "used_up" | "revoked" | "already_used" };

/**
 * Finds a usable invitation by the token from a deep link. With `lock`, the row stays locked until the
 * transaction ends, so two people racing for the last use cannot both get it.
 */
export async function findInvitation(
  db: DbOrTx,
  token: string,
  opts: { now: Date; userId: number; lock?: boolean },
): Promise<InvitationLookup> {
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(token)) return { status: "unknown" };
  const query = db
    .select()
    .from(invitations)
    .where(eq(invitations.tokenHash, hashToken(token)));
  const [row] = opts.lock ? await query.for("update") : await query;
  if (!row) return { status: "unknown" };
  if (row.revokedAt) return { status: "revoked" };
  if (row.expiresAt.getTime() <= opts.now.getTime()) return { status: "expired" };
  const [mine] = await db
    .select({ one: sql<number>`1` })
    .from(invitationUses)
    .where(and(eq(invitationUses.invitationId, row.id), eq(invitationUses.userId, opts.userId)));
  if (mine) return { status: "already_used" };
  if (row.maxUses !== null && row.uses >= row.maxUses) return { status: "used_up" };
  return { status: "ok", id: row.id, kind: row.kind, payload: row.payload, expiresAt: row.expiresAt };
}

/** Records that this person used the invitation (call inside the transaction that acts on it, after a locked find). */
export async function recordInvitationUse(db: DbOrTx, id: number, userId: number, now: Date): Promise<void> {
  await db.insert(invitationUses).values({ invitationId: id, userId, usedAt: now });
  await db
    .update(invitations)
    .set({ uses: sql`${invitations.uses} + 1` })
    .where(eq(invitations.id, id));
}

export async function revokeInvitation(db: DbOrTx, id: number, now: Date): Promise<void> {
  await db.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, id));
}
