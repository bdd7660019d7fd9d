import type { Bot } from "grammy";
import type { Logger } from "pino";
import type { Database } from "../db/client.js";
import { purgeOutbox } from "../jobs/outbox.js";
import { senderLock } from "../jobs/outbox-lock.js";
import { createOutboxSender } from "../jobs/outbox-sender.js";
import type { OutboxTransport } from "../jobs/outbox-sender-types.js";
import { createScheduler, purgeJobRuns, type Scheduler } from "../jobs/scheduler.js";
import { createTelegramOutboxTransport } from "./channels/telegram/outbox-transport.js";
import type { ZaloChannel } from "./channels/zalo/channel.js";
import type { Config } from "./config.js";
import type { Reply } from "./core/types.js";

export interface Background {
  scheduler: Scheduler;
  /** Look at the outbox now rather than at the next poll (after enqueueing from a job). */
  wake(): void;
  stop(): Promise<void>;
}

export interface BackgroundDeps {
  config: Config;
  database: Database;
  logger: Logger;
  clock: () => Date;
  telegram?: Bot;
  zalo?: ZaloChannel;
  /** Where outbox messages for the terminal chat go (printed in the chat). */
  terminal?: (replies: Reply[]) => Promise<void>;
}

function zaloTransport(zalo: ZaloChannel): OutboxTransport {
  return async (msg) => {
    const out = await zalo.deliver(msg.chatId, [msg.reply]);
    if ("ok" in out) return { kind: "ok" };
    if ("retryAfter" in out) return { kind: "retryAfter", seconds: out.retryAfter };
    if ("unreachable" in out) return { kind: "unreachable", reason: out.reason };
    return { kind: "transient", error: out.error };
  };
}

/**
 * The outbox senders (one per channel; on PostgreSQL one per bot across all instances) and the scheduler
 * whose ticks claim their slot in the database. Features add their jobs to `scheduler`.
 */
export function startBackground(deps: BackgroundDeps): Background {
  const { config, database, logger } = deps;
  const outbox = config.outbox;
  const senders: ReturnType<typeof createOutboxSender>[] = [];
  const transports: {
    channel: "telegram" | "zalo" | "terminal";
    token: string;
    transport: OutboxTransport;
  }[] = [];
  if (deps.telegram && config.telegram) {
    transports.push({
      channel: "telegram",
      token: config.telegram.token,
      transport: createTelegramOutboxTransport(deps.telegram.api),
    });
  }
  if (deps.zalo && config.zalo) {
    transports.push({ channel: "zalo", token: config.zalo.appId, transport: zaloTransport(deps.zalo) });
  }
  if (deps.terminal) {
    const print = deps.terminal;
    transports.push({
      channel: "terminal",
      token: "terminal",
      transport: async (msg) => {
        await print([msg.reply]);
        return { kind: "ok" };
      },
    });
  }
  for (const t of transports) {
    const sender = createOutboxSender({
      db: database.db,
      channel: t.channel,
      transport: t.transport,
      lock: senderLock(database, { databaseUrl: config.databaseUrl, channel: t.channel, token: t.token }),
      logger: logger.child({ component: `outbox-${t.channel}` }),
      ratePerSecond: outbox.ratePerSecond,
      leaseMs: outbox.leaseSeconds * 1000,
      maxAttempts: outbox.maxAttempts,
    });
    sender.start();
    senders.push(sender);
  }

  const scheduler = createScheduler({
    db: database.db,
    timeZone: config.timeZone,
    logger,
    clock: deps.clock,
  });
  scheduler.every("housekeeping", "30 3 * * *", async ({ at }) => {
    const monthAgo = new Date(at.getTime() - 30 * 86_400_000);
    const outboxRows = await purgeOutbox(database.db, monthAgo);
    const jobRuns = await purgeJobRuns(database.db, monthAgo);
    logger.info({ outboxRows, jobRuns }, "housekeeping");
  });

  return {
    scheduler,
    wake: () => {
      for (const s of senders) s.wake();
    },
    stop: async () => {
      scheduler.stop();
      await Promise.all(senders.map((s) => s.stop()));
    },
  };
}
