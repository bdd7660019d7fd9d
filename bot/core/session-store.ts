import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import { sessions } from "../../db/schema/index.js";
import type { Channel, FlowState } from "./types.js";

const stateSchema: z.ZodType<FlowState> = z.object({
  flow: z.string().min(1),
  step: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  resume: z
    .object({ flow: z.string().min(1), step: z.string().min(1), data: z.record(z.string(), z.unknown()) })
    .optional(),
});

/** A stored state, or null when there is none or it no longer parses (it is then dropped). */
export function parseState(raw: unknown): FlowState | null {
  const parsed = stateSchema.safeParse(raw ?? null);
  return parsed.success ? parsed.data : null;
}

/** A session row as read with its lock: the raw stored state and when it was last written. */
export interface StoredSession {
  state: unknown;
  updatedAt: Date;
}

/**
 * Creates a chat's session row if there is none and locks it until the transaction ends, so two updates of the
 * same chat are handled one after the other even on several instances. (A known chat's row is read and locked
 * by `arrive`.)
 */
export async function openSessionForUpdate(
  db: DbOrTx,
  channel: Channel,
  chatId: string,
): Promise<StoredSession> {
  await db.insert(sessions).values({ channel, chatId, state: null }).onConflictDoNothing();
  const [row] = await db
    .select({ state: sessions.state, updatedAt: sessions.updatedAt })
    .from(sessions)
    .where(and(eq(sessions.channel, channel), eq(sessions.chatId, chatId)))
    .for("update");
  if (!row) throw new Error("session row vanished under its lock");
  return { state: row.state ?? null, updatedAt: row.updatedAt };
}

/**
 * How stale `updated_at` may get before an unchanged session is written anyway: it tells which of a person's
 * chats they used last (where notices go), which needs minutes, not every update.
 */
export const SESSION_TOUCH_MS = 10 * 60_000;

/** Whether the session must be written: its state changed, or its `updated_at` is more than a touch old. */
export function sessionNeedsWrite(stored: StoredSession, state: FlowState | null, now: Date): boolean {
  if (now.getTime() - stored.updatedAt.getTime() >= SESSION_TOUCH_MS) return true;
  return canonicalJson(stored.state ?? null) !== canonicalJson(state ?? null);
}

/** JSON with object keys sorted: jsonb does not keep the order keys were written in. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export async function saveSession(
  db: DbOrTx,
  channel: Channel,
  chatId: string,
  state: FlowState | null,
  now: Date,
): Promise<void> {
  await db
    .update(sessions)
    .set({ state, updatedAt: now })
    .where(and(eq(sessions.channel, channel), eq(sessions.chatId, chatId)));
}
