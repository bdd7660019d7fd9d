import {
  claim,
  markAttemptFailed,
  markFailed,
  markUnreachable,
  nextDue,
  type OutboxMessage,
  release,
} from "./enqueue.js";
import { Hand } from "./hand.js";
import { ChatPace, GlobalPace } from "./pace.js";
import type {
  OutboxSender,
  OutboxSenderOptions,
  SenderLogger,
  SenderStats,
  TransportResult,
} from "./sender-types.js";

export type * from "./sender-types.js";

export function createOutboxSender(opts: OutboxSenderOptions): OutboxSender {
  return new Sender(opts);
}

const noLog: SenderLogger = { info() {}, warn() {}, error() {} };
const defaultBackoff = (n: number) => Math.min(5000 * 3 ** (n - 1), 15 * 60_000);

class Sender implements OutboxSender {
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  private readonly lockRetryMs: number;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private readonly log: SenderLogger;
  private readonly clock: () => Date;
  private readonly pace: GlobalPace;
  private readonly chats: ChatPace;
  private readonly hand: Hand;
  private readonly counts: SenderStats = { sent: 0, rateLimited: 0, unreachable: 0, retried: 0, failed: 0 };
  private readonly tasks = new Set<Promise<void>>();
  private inFlight = 0;
  private claiming = false;
  private nextClaimAt = 0;
  /** The last claim found nothing due, and nothing was put back since. */
  private idle = false;
  private pausedUntil = 0;
  private leader = false;
  private lockCheckedAt = 0;
  private staleCheckedAt = 0;
  private stopping = false;
  private running?: Promise<void>;
  private waker?: () => void;

  constructor(private readonly o: OutboxSenderOptions) {
    const rate = o.ratePerSecond ?? 25;
    const perChatIntervalMs = o.perChatIntervalMs ?? 1000;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.idlePollMs = o.idlePollMs ?? 1000;
    this.lockRetryMs = o.lockRetryMs ?? 5000;
    this.maxInFlight = o.maxInFlight ?? Math.min(512, Math.max(8, Math.ceil(rate / 2)));
    // About a second of sending: few claims per second, and no claim is held anywhere near its lease.
    this.batchSize = Math.min(1000, Math.max(10, Math.ceil(rate)));
    this.log = o.logger ?? noLog;
    this.clock = o.clock ?? (() => new Date());
    this.pace = new GlobalPace(rate);
    this.chats = new ChatPace(perChatIntervalMs);
    this.hand = new Hand(o.db, {
      perChatIntervalMs,
      leaseMs: this.leaseMs,
      markEveryMs: o.markEveryMs ?? 100,
    });
  }

  start(): void {
    this.running ??= this.loop(false).catch((err) => this.log.error({ err }, "outbox sender crashed"));
  }

  async drain(): Promise<void> {
    if (this.running) throw new Error("the sender is already running");
    this.running = this.loop(true);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.nudge();
    await this.running;
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    await this.hand
      .flush(this.clock())
      .catch((err) => this.log.error({ err }, "outbox: marking sent failed"));
    // Claimed but never sent: give them back so the next holder need not wait for the lease.
    await release(this.o.db, this.hand.takeAll(), null).catch((err) =>
      this.log.warn({ err }, "outbox: giving claims back failed"),
    );
    if (this.leader) await this.o.lock.release();
    this.leader = false;
  }

  wake(): void {
    this.nextClaimAt = 0;
    this.nudge();
  }

  isLeader(): boolean {
    return this.leader;
  }

  stats(): SenderStats {
    return { ...this.counts };
  }

  private now(): number {
    return this.clock().getTime();
  }

  private nudge(): void {
    this.waker?.();
  }

  private async loop(drain: boolean): Promise<void> {
    while (!this.stopping) {
      const now = this.now();
      if (!(await this.holdLock(now))) {
        if (drain && (await nextDue(this.o.db, this.o.channel, this.leaseMs)) === null) return;
        await this.wait(this.lockRetryMs);
        continue;
      }
      if (this.pausedUntil > now) {
        await this.wait(this.pausedUntil - now);
        continue;
      }
      if (now - this.staleCheckedAt >= 1000) {
        this.staleCheckedAt = now;
        this.putBack(this.hand.dropStale(now), null);
      }
      this.dispatch(now);
      this.maybeClaim(now);
      if (this.hand.markDue(now)) this.background(() => this.hand.flush(new Date(now)));
      if (drain && this.idle && this.quiet()) {
        await this.hand.flush(new Date(now));
        if (this.idle && this.quiet() && (await nextDue(this.o.db, this.o.channel, this.leaseMs)) === null)
          return;
      }
      await this.wait(this.waitMs(now));
    }
  }

  private quiet(): boolean {
    return this.hand.size === 0 && this.inFlight === 0 && this.tasks.size === 0;
  }

  /** Takes the lock if free, and checks now and then that it is still ours. */
  private async holdLock(now: number): Promise<boolean> {
    // The holder checks often (a cheap query): until it notices a lost lock, two instances may send.
    if (this.leader && now - this.lockCheckedAt < Math.min(1000, this.lockRetryMs)) return true;
    const had = this.leader;
    const lock = this.o.lock;
    this.leader = await (had ? lock.check() : lock.acquire()).catch(() => false);
    this.lockCheckedAt = now;
    if (this.leader && !had) this.log.info({ channel: this.o.channel }, "outbox sender: lock taken");
    if (had && !this.leader) {
      // Another instance may hold it now; what we claimed is reclaimed once its lease runs out.
      this.hand.takeAll();
      this.log.warn({ channel: this.o.channel }, "outbox sender: lock lost");
    }
    return this.leader;
  }

  /**
   * How long to sleep in clock time, or null to wait only for an event (a send or a claim coming back):
   * with a fake clock, time must not run ahead while the database or the transport is working.
   */
  private waitMs(now: number): number | null {
    let ms: number | null = null;
    const until = (t: number | null) => {
      if (t !== null) ms = Math.max(0, Math.min(ms ?? t - now, t - now));
    };
    until(this.hand.markDeadline());
    if (this.hand.size > 0 && this.inFlight < this.maxInFlight) {
      // Messages in hand and room to send: the budget or every chat in hand must be waiting.
      const token = this.pace.waitMs(now);
      until(token > 0 ? now + token : this.hand.firstReady((c) => this.chats.readyAt(c)));
    } else if (this.hand.size === 0 && !this.claiming) {
      until(this.nextClaimAt);
    }
    return ms === null ? null : Math.min(ms, this.idlePollMs);
  }

  private dispatch(now: number): void {
    const readyAt = (chatId: string) => this.chats.readyAt(chatId);
    while (this.inFlight < this.maxInFlight && this.pace.waitMs(now) === 0) {
      const msg = this.hand.next(now, readyAt);
      if (!msg) return;
      this.pace.take(now);
      this.chats.sent(msg.chatId, now);
      this.send(msg);
    }
  }

  private maybeClaim(now: number): void {
    if (this.claiming || this.hand.size > this.batchSize || now < this.nextClaimAt) return;
    this.claiming = true;
    this.background(async () => {
      try {
        await this.claimBatch(now);
      } catch (err) {
        this.log.error({ err }, "outbox claim failed");
        this.nextClaimAt = now + this.idlePollMs;
      } finally {
        this.claiming = false;
      }
    });
  }

  private async claimBatch(now: number): Promise<void> {
    const { db, channel } = this.o;
    // Up to two batches in hand: the next claim has a whole batch's time to come back.
    const limit = 2 * this.batchSize - this.hand.size;
    const claimed = await claim(db, { channel, now: new Date(now), limit, leaseMs: this.leaseMs });
    for (const u of claimed.unreadable) {
      this.counts.failed += 1;
      await markFailed(db, u.id, u.error);
    }
    if (claimed.messages.length + claimed.unreadable.length > 0) {
      this.idle = false;
      for (const [at, ids] of this.hand.accept(claimed.messages, now)) this.putBack(ids, new Date(at));
      return;
    }
    const due = await nextDue(db, channel, this.leaseMs);
    this.idle = true;
    const poll = now + this.idlePollMs;
    this.nextClaimAt = due === null ? poll : Math.min(poll, Math.max(due.getTime(), now + 5));
  }

  private send(msg: OutboxMessage): void {
    this.inFlight += 1;
    const task: Promise<void> = (async () => {
      let result: TransportResult;
      try {
        result = await this.o.transport(msg);
      } catch (err) {
        result = { kind: "transient", error: String(err) };
      }
      await this.settle(msg, result);
    })()
      .catch((err) => this.log.error({ err, id: msg.id }, "outbox: recording a send failed"))
      .finally(() => {
        this.inFlight -= 1;
        this.tasks.delete(task);
        this.nudge();
      });
    this.tasks.add(task);
  }

  private async settle(msg: OutboxMessage, result: TransportResult): Promise<void> {
    const { db } = this.o;
    const now = this.now();
    switch (result.kind) {
      case "ok":
        this.counts.sent += 1;
        this.hand.sent(msg.id, now);
        return;
      case "retryAfter": {
        this.counts.rateLimited += 1;
        this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(1, result.seconds) * 1000);
        this.pace.pauseUntil(this.pausedUntil);
        this.log.warn({ seconds: result.seconds }, "outbox sender: rate limited, pausing");
        // Everything in hand goes back, so the order after the pause is the table's order again.
        this.idle = false;
        await release(db, [msg.id, ...this.hand.takeAll()], new Date(this.pausedUntil));
        return;
      }
      case "unreachable":
        this.counts.unreachable += 1;
        await markUnreachable(db, msg, result.reason, new Date(now));
        return;
      case "rejected":
        this.counts.failed += 1;
        await markFailed(db, msg.id, result.error);
        return;
      case "transient": {
        this.idle = false;
        const retryAt = new Date(now + (this.o.backoffMs ?? defaultBackoff)(msg.attempts + 1));
        const maxAttempts = this.o.maxAttempts ?? 5;
        const status = await markAttemptFailed(db, msg.id, { error: result.error, retryAt, maxAttempts });
        if (status === "failed") this.counts.failed += 1;
        else this.counts.retried += 1;
      }
    }
  }

  private putBack(ids: number[], notBefore: Date | null): void {
    if (ids.length === 0) return;
    this.idle = false;
    this.background(() => release(this.o.db, ids, notBefore));
  }

  private background(job: () => Promise<void>): void {
    const task: Promise<void> = job()
      .catch((err) => this.log.error({ err }, "outbox background task failed"))
      .finally(() => {
        this.tasks.delete(task);
        this.nudge();
      });
    this.tasks.add(task);
  }

  /**
   * Sleeps `ms` of clock time (null: until an event, or an idle poll of real time at most) or until
   * something happens: a send finished, a claim came back, wake(), stop().
   */
  private wait(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.waker === done) this.waker = undefined;
        resolve();
      };
      this.waker = done;
      if (this.stopping) return done();
      if (ms !== null && this.o.sleep) void this.o.sleep(ms).then(done);
      else timer = setTimeout(done, ms ?? this.idlePollMs);
    });
  }
}
