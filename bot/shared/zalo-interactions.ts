import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { zaloInteractions } from "../../db/schema/index.js";
import { type ZaloWindow, zaloWindow } from "./zalo-window.js";

/** Records that a user interacted at `at`; an older (re-delivered) event never moves the time back. */
export async function recordZaloInteraction(db: DbOrTx, userId: string, at: Date): Promise<void> {
  await db
    .insert(zaloInteractions)
    .values({ userId, lastInteractionAt: at })
    .onConflictDoUpdate({
      target: zaloInteractions.userId,
      set: {
        lastInteractionAt: sql`greatest(${zaloInteractions.lastInteractionAt}, excluded.last_interaction_at)`,
      },
    });
}

/** Each chat's window now; a chat that never interacted is closed. */
export async function zaloWindows(
  db: DbOrTx,
  chatIds: string[],
  now: Date,
): Promise<Map<string, ZaloWindow>> {
  const unique = [...new Set(chatIds)];
  const out = new Map<string, ZaloWindow>(unique.map((id) => [id, "closed"]));
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db
      .select()
      .from(zaloInteractions)
      .where(inArray(zaloInteractions.userId, unique.slice(i, i + 1000)));
    for (const r of rows) out.set(r.userId, zaloWindow(r.lastInteractionAt, now));
  }
  return out;
}

/** The Zalo chats among `chatIds` that no message can reach now (managers are told who they are). */
export async function zaloChatsOutsideWindow(db: DbOrTx, chatIds: string[], now: Date): Promise<string[]> {
  const windows = await zaloWindows(db, chatIds, now);
  return [...windows].filter(([, w]) => w === "closed").map(([id]) => id);
}

export type ZaloWindowRefusal = { unreachable: true; reason: "window" };

/**
 * For the outbox transport: null when a message may go to this chat now, else the refusal to return as the
 * send's outcome. `paid: false` keeps bulk messages to the free 48 h.
 */
export async function checkZaloWindow(
  db: DbOrTx,
  chatId: string,
  now: Date,
  opts: { paid?: boolean } = {},
): Promise<ZaloWindowRefusal | null> {
  const w = (await zaloWindows(db, [chatId], now)).get(chatId) ?? "closed";
  const allowed = w === "free" || (w === "paid" && opts.paid !== false);
  return allowed ? null : { unreachable: true, reason: "window" };
}
