import type { Db } from "../../../db/client.js";
import type { Channel } from "../../core/types.js";
import type { OutboxMessage } from "./enqueue.js";
import type { SenderLock } from "./lock.js";

// The sender's contract with its callers and with a channel's transport (sender.ts).

/** What became of one send, as the channel's transport classifies it. */
export type TransportResult =
  | { kind: "ok" }
  /** The API asked the whole bot to wait (Telegram 429 with retry_after). */
  | { kind: "retryAfter"; seconds: number }
  /** Blocked by the person, deactivated, chat not found: never retried. */
  | { kind: "unreachable"; reason: string }
  /** 5xx, network, timeout: retried with backoff. */
  | { kind: "transient"; error: string }
  /** The API refused this message as it is (too long, bad markup): failed without retry. */
  | { kind: "rejected"; error: string };

export type OutboxTransport = (msg: OutboxMessage) => Promise<TransportResult>;

export interface SenderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxSenderOptions {
  db: Db;
  channel: Channel;
  transport: OutboxTransport;
  /** Exactly one sender per bot token: see lock.ts. */
  lock: SenderLock;
  logger?: SenderLogger;
  /**
   * Time for pacing, leases and timestamps; give it with `sleep` (tests: a fake clock that sleep advances).
   * In the app leave both out: a clock that does not move (an e2e test's fixed time) stalls the sender.
   */
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Global budget of the bot (default 25 messages per second). */
  ratePerSecond?: number;
  /** Minimum spacing of two messages to one chat (default 1000 ms). */
  perChatIntervalMs?: number;
  /** A claim older than this is taken to be a dead sender's and is claimed again (default 60 s). */
  leaseMs?: number;
  /** Transient failures before a message is `failed` (default 5). */
  maxAttempts?: number;
  /** Wait before retry n (1-based) after a transient failure (default 5 s × 3^(n−1), at most 15 min). */
  backoffMs?: (attempt: number) => number;
  /** Concurrent sends (default rate ÷ 2, between 8 and 512: room for half a second of API latency). */
  maxInFlight?: number;
  /** How often an idle sender looks for new messages (default 1000 ms); `wake()` looks at once. */
  idlePollMs?: number;
  /** How often a standby instance tries to take the lock (default 5 s); the holder checks it every second. */
  lockRetryMs?: number;
  /** Sent messages are marked in batches at least this often (default 100 ms). */
  markEveryMs?: number;
}

export interface SenderStats {
  sent: number;
  rateLimited: number;
  unreachable: number;
  retried: number;
  failed: number;
}

export interface OutboxSender {
  /** Runs until stop(): takes the lock (or keeps trying) and sends. */
  start(): void;
  /** Runs until the channel's outbox has nothing pending or sending (tests, one-off scripts). */
  drain(): Promise<void>;
  /** Finishes the sends in flight, marks them, gives unsent claims back and releases the lock. */
  stop(): Promise<void>;
  /** Look for messages now (call after enqueueing in this process). */
  wake(): void;
  isLeader(): boolean;
  stats(): SenderStats;
}
