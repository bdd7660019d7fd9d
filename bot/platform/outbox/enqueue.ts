import { and, asc, eq, inArray, isNull, lt, lte, min, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { chatReachability, outbox } from "../../../db/schema/index.js";
import type { Channel, Reply } from "../../core/types.js";
import { decodeReply, encodeReply } from "./payload.js";

export type OutboxStatus = "pending" | "sending" | "sent" | "unreachable" | "failed";

export interface NewOutboxMessage {
  channel: Channel;
  chatId: string;
  /** Unique across the outbox: enqueueing it again is a no-op. Name the occasion: `reminder:2021-08-01:42`. */
  dedupeKey: string;
  reply: Reply;
  /** Not before this time (a scheduled notice); default as soon as possible. */
  notBefore?: Date;
}

/** A claimed message, as the sender hands it to a transport. */
export interface OutboxMessage {
  id: number;
  channel: Channel;
  chatId: string;
  dedupeKey: string;
  reply: Reply;
  /** Failed attempts so far. */
  attempts: number;
  claimedAt: Date;
}

/** A claimed row whose payload could not be read back (written by other code): it is failed at once. */
export interface UnreadableMessage {
  id: number;
  error: string;
}

const CHUNK = 1000;

/** Adds messages; those whose dedupe key exists are skipped. Returns how many were new. */
export async function enqueue(db: DbOrTx, rows: NewOutboxMessage[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => ({
      channel: r.channel,
      chatId: r.chatId,
      dedupeKey: r.dedupeKey,
      payload: encodeReply(r.reply),
      notBefore: r.notBefore ?? null,
    }));
    const inserted = await db
      .insert(outbox)
      .values(values)
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    added += inserted.length;
  }
  return added;
}

const due = (channel: Channel, now: Date, leaseMs: number) =>
  and(
    eq(outbox.channel, channel),
    or(
      and(eq(outbox.status, "pending"), or(isNull(outbox.notBefore), lte(outbox.notBefore, now))),
      // A claim older than the lease belongs to a sender that died between claiming and marking.
      and(eq(outbox.status, "sending"), lt(outbox.claimedAt, new Date(now.getTime() - leaseMs))),
    ),
  );

export interface ClaimOptions {
  channel: Channel;
  now: Date;
  limit: number;
  leaseMs: number;
}

/**
 * Marks up to `limit` due messages `sending`, oldest first, in one short statement. SKIP LOCKED lets
 * concurrent claimers pass each other instead of waiting; the send happens after this commits.
 */
export async function claim(
  db: DbOrTx,
  opts: ClaimOptions,
): Promise<{ messages: OutboxMessage[]; unreadable: UnreadableMessage[] }> {
  const ids = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(due(opts.channel, opts.now, opts.leaseMs))
    .orderBy(asc(outbox.id))
    .limit(opts.limit)
    .for("update", { skipLocked: true });
  const rows = await db
    .update(outbox)
    .set({ status: "sending", claimedAt: opts.now })
    .where(inArray(outbox.id, ids))
    .returning();
  rows.sort((a, b) => a.id - b.id);
  const messages: OutboxMessage[] = [];
  const unreadable: UnreadableMessage[] = [];
  for (const r of rows) {
    try {
      const reply = decodeReply(r.payload);
      messages.push({ ...r, channel: r.channel as Channel, reply, claimedAt: opts.now });
    } catch (err) {
      unreadable.push({ id: r.id, error: `unreadable payload: ${String(err).slice(0, 200)}` });
    }
  }
  return { messages, unreadable };
}

export async function markSent(db: DbOrTx, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ status: "sent", sentAt: now, lastError: null })
    .where(inArray(outbox.id, ids));
}

/** Back to pending without counting an attempt (a pause on 429, a chat that must wait, a dropped claim). */
export async function release(db: DbOrTx, ids: number[], notBefore: Date | null): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ status: "pending", notBefore, claimedAt: null })
    .where(inArray(outbox.id, ids));
}

/** Counts a failed attempt: pending again after `retryAt`, or `failed` once `maxAttempts` is reached. */
export async function markAttemptFailed(
  db: DbOrTx,
  id: number,
  opts: { error: string; retryAt: Date; maxAttempts: number },
): Promise<OutboxStatus> {
  const [row] = await db
    .update(outbox)
    .set({
      attempts: sql`${outbox.attempts} + 1`,
      status: sql`case when ${outbox.attempts} + 1 >= ${opts.maxAttempts} then 'failed' else 'pending' end`,
      notBefore: opts.retryAt,
      claimedAt: null,
      lastError: opts.error.slice(0, 500),
    })
    .where(eq(outbox.id, id))
    .returning({ status: outbox.status });
  return (row?.status ?? "failed") as OutboxStatus;
}

/** A message that can never be sent as it is (rejected by the API, unreadable): failed without retry. */
export async function markFailed(db: DbOrTx, id: number, error: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "failed", claimedAt: null, lastError: error.slice(0, 500) })
    .where(eq(outbox.id, id));
}

/** The chat blocked the bot or no longer exists: the message is dropped and the chat recorded. */
export async function markUnreachable(
  db: DbOrTx,
  msg: { id: number; channel: Channel; chatId: string },
  reason: string,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(outbox)
      .set({ status: "unreachable", claimedAt: null, lastError: reason.slice(0, 500) })
      .where(eq(outbox.id, msg.id));
    await tx
      .insert(chatReachability)
      .values({ channel: msg.channel, chatId: msg.chatId, reason, at: now })
      .onConflictDoUpdate({
        target: [chatReachability.channel, chatReachability.chatId],
        set: { reason, at: now },
      });
  });
}

/** The person wrote again (e.g. unblocked the bot): the chat is no longer listed as unreachable. */
export async function markReachable(db: DbOrTx, channel: Channel, chatId: string): Promise<void> {
  await db
    .delete(chatReachability)
    .where(and(eq(chatReachability.channel, channel), eq(chatReachability.chatId, chatId)));
}

/**
 * When the next message of a channel becomes claimable: null when nothing is pending or sending, `now` or
 * earlier when something is due already.
 */
export async function nextDue(db: DbOrTx, channel: Channel, leaseMs: number): Promise<Date | null> {
  const live = and(eq(outbox.channel, channel), inArray(outbox.status, ["pending", "sending"]));
  const [row] = await db
    .select({
      pending: min(sql<Date>`case when ${outbox.status} = 'pending'
        then coalesce(${outbox.notBefore}, 'epoch'::timestamptz) end`),
      claimed: min(sql<Date>`case when ${outbox.status} = 'sending' then ${outbox.claimedAt} end`),
      any: sql<number>`count(*)::int`,
    })
    .from(outbox)
    .where(live);
  if (!row || Number(row.any) === 0) return null;
  const times: number[] = [];
  if (row.pending !== null) times.push(toMs(row.pending));
  if (row.claimed !== null) times.push(toMs(row.claimed) + leaseMs);
  return new Date(Math.min(...times));
}

// The drivers return aggregated timestamps as a Date or as a string.
function toMs(v: unknown): number {
  const t = v instanceof Date ? v.getTime() : new Date(String(v)).getTime();
  return Number.isNaN(t) ? 0 : t;
}

/** Deletes finished messages created before `before` (their dedupe keys become usable again). */
export async function purgeOutbox(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(outbox)
    .where(and(inArray(outbox.status, ["sent", "unreachable", "failed"]), lt(outbox.createdAt, before)))
    .returning({ id: outbox.id });
  return rows.length;
}
