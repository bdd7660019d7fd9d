import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { declarationDrafts } from "../../../db/schema/index.js";

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
  const state = { step: draft.step, data: draft.data };
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
  const state = row.state as { step?: unknown; data?: unknown };
  if (typeof state.step !== "string" || !state.data || typeof state.data !== "object") return null;
  return { step: state.step, data: state.data as Record<string, unknown>, updatedAt: row.updatedAt };
}

export async function deleteDraft(db: DbOrTx, userId: number, subject: string): Promise<void> {
  await db
    .delete(declarationDrafts)
    .where(and(eq(declarationDrafts.userId, userId), eq(declarationDrafts.subject, subject)));
}
