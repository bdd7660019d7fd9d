/** What to do with one inbound update from a chat. */
export type RateVerdict = "handle" | "warn" | "drop";

export interface RateLimiterOptions {
  /** Updates a chat may send at once. */
  burst: number;
  /** Tokens added back per minute. */
  perMinute: number;
  /** Chats remembered at most (the oldest full buckets are forgotten first). */
  maxChats?: number;
}

interface Bucket {
  tokens: number;
  at: number;
  warned: boolean;
}

/**
 * A token bucket per chat, in memory (per process). The first update over the limit is answered once with
 * "please slow down" (`warn`); the rest are dropped unread while the bucket is empty, and the chat is not
 * warned again until it has been quiet long enough to refill the bucket.
 */
export function createRateLimiter(opts: RateLimiterOptions) {
  const buckets = new Map<string, Bucket>();
  const perMs = opts.perMinute / 60_000;
  const maxChats = opts.maxChats ?? 100_000;
  return {
    take(chat: string, now: number): RateVerdict {
      let b = buckets.get(chat);
      if (b) {
        b.tokens = Math.min(opts.burst, b.tokens + (now - b.at) * perMs);
        b.at = now;
        buckets.delete(chat);
      } else {
        b = { tokens: opts.burst, at: now, warned: false };
      }
      buckets.set(chat, b);
      if (buckets.size > maxChats) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      // Only a chat that has calmed down (its bucket full again) is warned again next time.
      if (b.tokens >= opts.burst) b.warned = false;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return "handle";
      }
      if (b.warned) return "drop";
      b.warned = true;
      return "warn";
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * Paces calls per chat: at most `burst` at once, then one every `intervalMs` (Telegram: about one message
 * a second per chat). Callers wait their turn instead of being refused with 429.
 */
export function createChatPacer(opts: { burst: number; intervalMs: number; clock?: () => number }) {
  const clock = opts.clock ?? (() => Date.now());
  const next = new Map<string, number>();
  return {
    /** Resolves when a message to `chat` may go out, with how long it waited (ms). */
    async slot(chat: string): Promise<number> {
      const now = clock();
      // GCRA: `tat` is when the chat's bucket would be full again; a send may go up to burst−1 intervals early.
      const tat = Math.max(next.get(chat) ?? now, now);
      const start = Math.max(now, tat - (opts.burst - 1) * opts.intervalMs);
      next.set(chat, tat + opts.intervalMs);
      if (next.size > 100_000) {
        for (const [k, t] of next) if (t < now) next.delete(k);
      }
      const wait = start - now;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return Math.max(0, wait);
    },
  };
}
