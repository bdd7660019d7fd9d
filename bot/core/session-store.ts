import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import { processedUpdates, sessions } from "../../db/schema/index.js";
import type { Channel, FlowState } from "./types.js";

const stateSchema: z.ZodType<FlowState> = z.object({
  flow: z.string().min(1),
  step: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  resume: z
    .object({ flow: z.string().min(1), step: z.string().min(1), data: z.record(z.string(), z.unknown()) })
    .optional(),
});

/**
 * Reads a chat's state and locks its row until the transaction ends, so two updates of the same chat are
 * handled one after the other even on several instances. A stored state that no longer parses is dropped.
 */
export async function loadSessionForUpdate(
  db: DbOrTx,
  channel: Channel,
  chatId: string,
): Promise<FlowState | null> {
  await db.insert(sessions).values({ channel, chatId, state: null }).onConflictDoNothing();
  const [row] = await db
    .select({ state: sessions.state })
    .from(sessions)
    .where(and(eq(sessions.channel, channel), eq(sessions.chatId, chatId)))
    .for("update");
  const parsed = stateSchema.safeParse(row?.state ?? null);
  return parsed.success ? parsed.data : null;
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

/**
 * Records an update as handled; false when it already was. Inside the handling transaction, a concurrent
 * duplicate waits on the primary key and then sees the conflict, so it has no second effect.
 */
export async function claimUpdate(
  db: DbOrTx,
  channel: Channel,
  updateId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insert(processedUpdates)
    .values({ channel, updateId, processedAt: now })
    .onConflictDoNothing()
    .returning({ one: sql<number>`1` });
  return rows.length > 0;
}
