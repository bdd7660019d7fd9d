import { and, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { declarationDrafts } from "../../../db/schema/index.js";
import { loadSealingKey, seal, unseal } from "../../shared/sealing.js";

/** The settings entry of the key drafts (and the ID number in a declaration's session) are sealed under. */
const DRAFT_KEY = "draft_sealing_key";

/** The key drafts are sealed under; the declaration flow seals a typed ID number with it too. */
export const draftSealingKey = (db: DbOrTx, now: Date) => loadSealingKey(db, DRAFT_KEY, now);

/** A draft older than this is not offered: its health answers (last 14 days) would be stale anyway. */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export interface Draft {
  step: string;
  data: Record<string, unknown>;
  updatedAt: Date;
}

export async function saveDraft(
  db: DbOrTx,
  userId: number,
  subject: string,
  draft: { step: string; data: Record<string, unknown> },
  now: Date,
): Promise<void> {
  // The answers (an ID number, an address, health) are kept sealed: an abandoned draft shows none of them.
  const state = { step: draft.step, sealed: seal(await draftSealingKey(db, now), draft.data) };
  await db
    .insert(declarationDrafts)
    .values({ userId, subject, state, updatedAt: now })
    .onConflictDoUpdate({
      target: [declarationDrafts.userId, declarationDrafts.subject],
      set: { state, updatedAt: now },
    });
}

export async function getDraft(
  db: DbOrTx,
  userId: number,
  subject: string,
  now: Date,
): Promise<Draft | null> {
  const [row] = await db
    .select()
    .from(declarationDrafts)
    .where(and(eq(declarationDrafts.userId, userId), eq(declarationDrafts.subject, subject)));
  if (!row || now.getTime() - row.updatedAt.getTime() > DRAFT_MAX_AGE_MS) return null;
  const state = row.state as { step?: unknown; sealed?: unknown };
  if (typeof state.step !== "string" || typeof state.sealed !== "string") return null;
  const data = unseal(await draftSealingKey(db, now), state.sealed);
  if (!data || typeof data !== "object") return null;
  return { step: state.step, data: data as Record<string, unknown>, updatedAt: row.updatedAt };
}

export async function deleteDraft(db: DbOrTx, userId: number, subject: string): Promise<void> {
  await db
    .delete(declarationDrafts)
    .where(and(eq(declarationDrafts.userId, userId), eq(declarationDrafts.subject, subject)));
}

/** Deletes drafts untouched since `before` (DRAFT_RETENTION_DAYS); returns how many. */
export async function purgeDrafts(db: DbOrTx, before: Date): Promise<number> {
  const gone = await db
    .delete(declarationDrafts)
    .where(lt(declarationDrafts.updatedAt, before))
    .returning({ u: declarationDrafts.userId });
  return gone.length;
}
