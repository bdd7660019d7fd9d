/**
 * The global send rate as a schedule: the k-th send is due at start + k/rate. A stall (a slow timer, a busy
 * event loop) is caught up within `slackMs` (50 ms, or half an interval at low rates), so the achieved rate
 * stays at the limit, while a burst after an idle spell stays under 50 ms worth of messages.
 */
export class GlobalPace {
  private readonly intervalMs: number;
  private readonly slackMs: number;
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(ratePerSecond: number) {
    if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.slackMs = Math.max(this.intervalMs / 2, 50);
  }

  /** Milliseconds until the next send may go (0: now). */
  waitMs(now: number): number {
    return Math.max(0, this.nextAt - now);
  }

  take(now: number): void {
    this.nextAt = Math.max(this.nextAt, now - this.slackMs) + this.intervalMs;
  }

  /** Nothing goes before `at` (Telegram asked the whole bot to wait). */
  pauseUntil(at: number): void {
    this.nextAt = Math.max(this.nextAt, at);
  }
}

/** At most one message per chat per interval (Telegram: about one per second in a private chat). */
export class ChatPace {
  private readonly lastSent = new Map<string, number>();
  private prunedAt = 0;

  constructor(private readonly intervalMs: number) {}

  readyAt(chatId: string): number {
    const last = this.lastSent.get(chatId);
    return last === undefined ? Number.NEGATIVE_INFINITY : last + this.intervalMs;
  }

  sent(chatId: string, now: number): void {
    this.lastSent.set(chatId, now);
    // Only chats sent to within the interval matter; forget the others so a 100,000-chat run stays small.
    if (now - this.prunedAt > Math.max(this.intervalMs, 1000) * 10) {
      for (const [chat, at] of this.lastSent) if (at + this.intervalMs <= now) this.lastSent.delete(chat);
      this.prunedAt = now;
    }
  }
}
