import { randomBytes } from "node:crypto";
import { asc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import type { Param } from "../../../db/compiled.js";
import { checkpoints } from "../../../db/schema/index.js";
import { newShortCode, normalizeShortCode } from "../../core/short-code.js";
import { createInvitation } from "../../shared/invitations.js";
import { ForbiddenError, grantRole, hasRole, type Role, scopesOf } from "../../shared/roles.js";
import { isValidStay } from "./checkin-policy.js";

export type Checkpoint = typeof checkpoints.$inferSelect;

export const CHECKPOINT_KINDS = [
  "agency",
  "school",
  "market",
  "shop",
  "restaurant",
  "health",
  "transport",
  "other",
] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/** `/start cp_<code>`: the deep link of a checkpoint's poster. */
export const CHECKPOINT_LINK_PREFIX = "cp_";
export {
  displayShortCode,
  newShortCode,
  normalizeShortCode,
  SHORT_CODE_ALPHABET,
  SHORT_CODE_LENGTH,
} from "../../core/short-code.js";

const CODE = /^[A-Za-z0-9_-]{16}$/;

/** 96 random bits, 16 base64url characters: `cp_` + code stays far inside Telegram's 64-character payload. */
export function newCode(): string {
  return randomBytes(12).toString("base64url");
}

export const isCheckpointCode = (code: string) => CODE.test(code);

/** The code of a checkpoint in a scanned QR: a t.me deep link, a tg:// link or a bare `cp_<code>`. */
export function checkpointCodeInQr(text: string): string | null {
  const m = /(?:^|[?&]start=)cp_([A-Za-z0-9_-]{16})(?:$|&)/.exec(text.trim());
  return m ? m[1]! : null;
}

const scopeOf = (id: number) => ({ type: "checkpoint" as const, id: String(id) });

/** The checkpoint and its ancestors, nearest first (a floor, then its building). */
export async function lineage(db: DbOrTx, id: number): Promise<Checkpoint[]> {
  const out: Checkpoint[] = [];
  let next: number | null = id;
  while (next !== null && out.length < 8) {
    const [row] = await db.select().from(checkpoints).where(eq(checkpoints.id, next));
    if (!row) break;
    out.push(row);
    next = row.parentId;
  }
  return out;
}

/**
 * Throws ForbiddenError unless the person holds one of the roles for this checkpoint or one above it (the
 * manager of a building manages its floors), or is an administrator. Returns the checkpoint.
 */
export async function requireCheckpointRole(
  db: DbOrTx,
  userId: number,
  roles: Role[],
  checkpointId: number,
): Promise<Checkpoint> {
  const chain = await lineage(db, checkpointId);
  for (const cp of chain) if (await hasRole(db, userId, roles, scopeOf(cp.id))) return chain[0]!;
  throw new ForbiddenError(`${roles.join("|")} of checkpoint ${checkpointId}`);
}

export interface NewCheckpoint {
  name: string;
  phone: string | null;
  provinceCode: string | null;
  communeCode: string | null;
  address: string;
  kind: CheckpointKind;
  stayMinutes: number;
  parentId: number | null;
}

async function freeShortCode(db: DbOrTx): Promise<string> {
  for (;;) {
    const code = newShortCode();
    const [taken] = await db
      .select({ id: checkpoints.id })
      .from(checkpoints)
      .where(eq(checkpoints.shortCode, code));
    if (!taken) return code;
  }
}

/** Registers a checkpoint; its creator becomes its manager. A part of a checkpoint needs its manager. */
export async function createCheckpoint(
  db: DbOrTx,
  actorUserId: number,
  input: NewCheckpoint,
  now: Date,
): Promise<Checkpoint> {
  if (!isValidStay(input.stayMinutes)) throw new RangeError(`stay of ${input.stayMinutes} minutes`);
  if (input.parentId !== null)
    await requireCheckpointRole(db, actorUserId, ["checkpoint_manager"], input.parentId);
  const [row] = await db
    .insert(checkpoints)
    .values({
      ...input,
      code: newCode(),
      shortCode: await freeShortCode(db),
      createdBy: actorUserId,
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("checkpoint insert returned nothing");
  await grantRole(db, {
    userId: actorUserId,
    role: "checkpoint_manager",
    scope: scopeOf(row.id),
    grantedBy: actorUserId,
  });
  return row;
}

export async function checkpointById(db: DbOrTx, id: number): Promise<Checkpoint | null> {
  const [row] = await db.select().from(checkpoints).where(eq(checkpoints.id, id));
  return row ?? null;
}

export async function checkpointByCode(db: DbOrTx, code: string): Promise<Checkpoint | null> {
  if (!isCheckpointCode(code)) return null;
  const [row] = await db.select().from(checkpoints).where(eq(checkpoints.code, code));
  return row ?? null;
}

export async function checkpointByShortCode(db: DbOrTx, typed: string): Promise<Checkpoint | null> {
  const code = normalizeShortCode(typed);
  if (!code) return null;
  const [row] = await db.select().from(checkpoints).where(eq(checkpoints.shortCode, code));
  return row ?? null;
}

/** How a check-in names its checkpoint: the poster's code, or a short code typed by hand. */
export type CheckinLookup = "code" | "shortCode";

/** The code of a check-in's payload as the lookup compares it; null when it cannot be a checkpoint's. */
export function checkinLookupCode(by: CheckinLookup, given: string): string | null {
  return by === "code" ? (isCheckpointCode(given) ? given : null) : normalizeShortCode(given);
}

/**
 * A checkpoint by its poster code or short code (`code`, checked with checkinLookupCode first), with more
 * values read in the same statement (`extra`: expressions over the checkpoint's row, unaliased, each read
 * under its name — e.g. whether the visitor may check in, the visitor's open visit, the venue notes), so that a
 * check-in costs one round trip for all of them. Columns: id, name, stay_minutes and the extras.
 */
export function checkpointForCheckinSql(
  by: CheckinLookup,
  code: Param<string>,
  extra: (cp: typeof checkpoints) => Record<string, SQL>,
): SQL {
  const column = by === "code" ? checkpoints.code : checkpoints.shortCode;
  const extras = Object.entries(extra(checkpoints)).map(
    ([name, value]) => sql`, ${value} as ${sql.identifier(name)}`,
  );
  return sql`select ${checkpoints.id} as id, ${checkpoints.name} as name,
      ${checkpoints.stayMinutes} as stay_minutes${sql.join(extras)}
    from ${checkpoints} where ${column} = ${code}`;
}

/** New code and short code: every poster printed before stops working. Managers only. */
export async function rotateCheckpointCode(
  db: DbOrTx,
  actorUserId: number,
  id: number,
  now: Date,
): Promise<Checkpoint> {
  await requireCheckpointRole(db, actorUserId, ["checkpoint_manager"], id);
  const [row] = await db
    .update(checkpoints)
    .set({ code: newCode(), shortCode: await freeShortCode(db), codeRotatedAt: now })
    .where(eq(checkpoints.id, id))
    .returning();
  if (!row) throw new Error(`checkpoint ${id} vanished`);
  return row;
}

/** Checkpoints where the person holds one of the roles, with the parts of those checkpoints, by name. */
export async function checkpointsOf(db: DbOrTx, userId: number, roles: Role[]): Promise<Checkpoint[]> {
  const ids = (await scopesOf(db, userId, roles, "checkpoint")).map(Number).filter(Number.isSafeInteger);
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(checkpoints)
    .where(or(inArray(checkpoints.id, ids), inArray(checkpoints.parentId, ids)))
    .orderBy(asc(checkpoints.name), asc(checkpoints.id));
  return rows;
}

/** A one-time invitation that makes whoever accepts it staff of the checkpoint. Managers only. */
export async function inviteStaff(
  db: DbOrTx,
  actorUserId: number,
  id: number,
  now: Date,
  ttlMs = 7 * 24 * 3600 * 1000,
): Promise<{ payload: string; code: string; expiresAt: Date; checkpoint: Checkpoint }> {
  const checkpoint = await requireCheckpointRole(db, actorUserId, ["checkpoint_manager"], id);
  const inv = await createInvitation(db, {
    kind: "role",
    payload: { role: "checkpoint_staff", scope: scopeOf(id), label: checkpoint.name },
    createdBy: actorUserId,
    now,
    ttlMs,
    maxUses: 1,
  });
  return { payload: inv.payload, code: inv.code, expiresAt: inv.expiresAt, checkpoint };
}
