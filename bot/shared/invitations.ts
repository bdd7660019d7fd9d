import { createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { invitations, invitationUses } from "../../db/schema/index.js";
import { newShortCode, normalizeShortCode } from "../core/short-code.js";

export const INVITE_PREFIX = "inv_";
/** The invitation flow's payload for a short code sent as text: `ic_<code>`. */
export const INVITE_CODE_PREFIX = "ic_";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
// Kept apart from tokens' hashes: a code is short, a token long, and neither may be taken for the other.
const hashCode = (code: string) => hashToken(`code:${code}`);

export interface CreatedInvitation {
  id: number;
  token: string;
  /** The `/start` payload: `inv_<token>`. */
  payload: string;
  /** What to send instead of opening the link (Zalo): 8 characters, shown as ABCD-2345. */
  code: string;
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
  const code = newShortCode();
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs);
  const [row] = await db
    .insert(invitations)
    .values({
      tokenHash: hashToken(token),
      codeHash: hashCode(code),
      kind: opts.kind,
      payload: opts.payload,
      createdBy: opts.createdBy ?? null,
      createdAt: opts.now,
      expiresAt,
      maxUses: opts.maxUses,
    })
    .returning({ id: invitations.id });
  if (!row) throw new Error("invitation insert returned nothing");
  return { id: row.id, token, payload: `${INVITE_PREFIX}${token}`, code, expiresAt };
}

export type InvitationLookup =
  | { status: "ok"; id: number; kind: string; payload: unknown; expiresAt: Date }
  | { status: "unknown" | "expired" | "used_up" | "revoked" | "already_used" };

/**
 * Finds a usable invitation by the token from a deep link, or by `ic_<code>` for a short code sent as text. With `lock`, the row stays locked until the
 * transaction ends, so two people racing for the last use cannot both get it.
 */
export async function findInvitation(
  db: DbOrTx,
  token: string,
  opts: { now: Date; userId: number; lock?: boolean },
): Promise<InvitationLookup> {
  const code = token.startsWith(INVITE_CODE_PREFIX)
    ? normalizeShortCode(token.slice(INVITE_CODE_PREFIX.length))
    : null;
  if (!code && !/^[A-Za-z0-9_-]{10,64}$/.test(token)) return { status: "unknown" };
  const query = db
    .select()
    .from(invitations)
    .where(code ? eq(invitations.codeHash, hashCode(code)) : eq(invitations.tokenHash, hashToken(token)));
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

/** Whether a short code is an invitation's that can still be used (the flow then says what it gives). */
export async function isLiveInvitationCode(db: DbOrTx, code: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ expiresAt: invitations.expiresAt, revokedAt: invitations.revokedAt })
    .from(invitations)
    .where(eq(invitations.codeHash, hashCode(code)))
    .limit(1);
  return Boolean(row && !row.revokedAt && row.expiresAt.getTime() > now.getTime());
}
