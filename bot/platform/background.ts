import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { Config } from "./config.js";
import { senderLock } from "./outbox/lock.js";
import { createOutboxSender } from "./outbox/sender.js";
import type { OutboxTransport } from "./outbox/sender-types.js";

/** One channel's way to deliver outbox messages; `token` tells bots apart for the sender's lock. */
export interface ChannelTransport {
  channel: "telegram" | "zalo" | "terminal";
  token: string;
  transport: OutboxTransport;
}

import { createScheduler, type Scheduler } from "./scheduler.js";

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
  /** Built by the app from the channels it started; the background never imports a channel. */
  transports: ChannelTransport[];
}

/**
 * The outbox senders (one per channel; on PostgreSQL one per bot across all instances) and the scheduler
 * whose ticks claim their slot in the database. Features add their jobs to `scheduler`.
 */
export function startBackground(deps: BackgroundDeps): Background {
  const { config, database, logger } = deps;
  const outbox = config.outbox;
  const senders: ReturnType<typeof createOutboxSender>[] = [];
  for (const t of deps.transports) {
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
