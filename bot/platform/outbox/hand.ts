import type { Db } from "../../../db/client.js";
import { markSent, type OutboxMessage } from "./enqueue.js";

/**
 * What a sender holds between the table and the transport: claimed messages waiting for their turn, and
 * sent ones waiting to be marked (marked in batches: one UPDATE per ~100 ms rather than one per message).
 */
export class Hand {
  private held: OutboxMessage[] = [];
  private toMark: number[] = [];
  private firstMarkAt = 0;
  private flushing = false;

  constructor(
    private readonly db: Db,
    private readonly o: { perChatIntervalMs: number; leaseMs: number; markEveryMs: number },
  ) {}

  get size(): number {
    return this.held.length;
  }

  /** Empties the hand, returning the ids it held (to give back to the table). */
  takeAll(): number[] {
    const ids = this.held.map((m) => m.id);
    this.held = [];
    return ids;
  }

  /**
   * Takes claimed messages, at most two per chat in hand; returns the others by the time they may be
   * claimed again, so a long run of messages to one chat waits in the table rather than near its lease.
   */
  accept(messages: OutboxMessage[], now: number): Map<number, number[]> {
    const perChat = new Map<string, number>();
    for (const m of this.held) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
    const later = new Map<number, number[]>();
    for (const m of messages) {
      const n = perChat.get(m.chatId) ?? 0;
      perChat.set(m.chatId, n + 1);
      if (n < 2) {
        this.held.push(m);
      } else {
        const at = now + (n - 1) * this.o.perChatIntervalMs;
        later.set(at, [...(later.get(at) ?? []), m.id]);
      }
    }
    this.held.sort((a, b) => a.id - b.id);
    return later;
  }

  /** Removes and returns claims older than half their lease: sending them now could race a reclaim. */
  dropStale(now: number): number[] {
    const limit = now - this.o.leaseMs / 2;
    const stale = this.held.filter((m) => m.claimedAt.getTime() < limit).map((m) => m.id);
    if (stale.length > 0) this.held = this.held.filter((m) => m.claimedAt.getTime() >= limit);
    return stale;
  }

  /** Removes and returns the oldest message whose chat may be written to now. */
  next(now: number, readyAt: (chatId: string) => number): OutboxMessage | undefined {
    const i = this.held.findIndex((m) => readyAt(m.chatId) <= now);
    return i < 0 ? undefined : this.held.splice(i, 1)[0];
  }

  /** When the first chat in hand may be written to. */
  firstReady(readyAt: (chatId: string) => number): number {
    let first = Number.POSITIVE_INFINITY;
    for (const m of this.held) first = Math.min(first, readyAt(m.chatId));
    return first;
  }

  sent(id: number, now: number): void {
    if (this.toMark.length === 0) this.firstMarkAt = now;
    this.toMark.push(id);
  }

  /** When the sent messages should be marked next; null when there are none (or a flush is under way). */
  markDeadline(): number | null {
    return this.toMark.length > 0 && !this.flushing ? this.firstMarkAt + this.o.markEveryMs : null;
  }

  markDue(now: number): boolean {
    const deadline = this.markDeadline();
    return deadline !== null && (now >= deadline || this.toMark.length >= 500);
  }

  /** Marks what was sent; on a database error keeps the ids for the next flush. */
  async flush(now: Date): Promise<void> {
    if (this.flushing || this.toMark.length === 0) return;
    this.flushing = true;
    const ids = this.toMark;
    this.toMark = [];
    try {
      await markSent(this.db, ids, now);
    } catch (err) {
      if (this.toMark.length === 0) this.firstMarkAt = now.getTime();
      this.toMark.push(...ids);
      throw err;
    } finally {
      this.flushing = false;
    }
  }
}
