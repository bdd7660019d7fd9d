/**
 * One outbox sender as its own process, so the benchmark can SIGKILL it mid-run:
 *   node --import tsx test/bench/outbox-child.ts '{"databaseUrl":…,"apiRoot":…,"token":…,"rate":1000}'
 * Drains the outbox (waiting for the lock if another process holds it), prints its stats, exits.
 */
import { Api } from "grammy";
import { createTelegramOutboxTransport } from "../../bot/channels/telegram/outbox-transport.js";
import { advisoryLock, senderLockKey } from "../../bot/platform/outbox/lock.js";
import { createOutboxSender } from "../../bot/platform/outbox/sender.js";
import { openDatabase } from "../../db/client.js";

export interface ChildOptions {
  databaseUrl: string;
  apiRoot: string;
  token: string;
  rate: number;
  leaseMs: number;
}

const opts = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;
const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: "", maxConnections: 4 });
const sender = createOutboxSender({
  db: database.db,
  channel: "telegram",
  transport: createTelegramOutboxTransport(new Api(opts.token, { apiRoot: opts.apiRoot })),
  lock: advisoryLock(opts.databaseUrl, senderLockKey("telegram", opts.token)),
  ratePerSecond: opts.rate,
  leaseMs: opts.leaseMs,
  lockRetryMs: 200,
  logger: { info() {}, warn: (o, m) => console.error(m, o), error: (o, m) => console.error(m, o) },
});
process.stdout.write("started\n");
await sender.drain();
await sender.stop();
process.stdout.write(`${JSON.stringify(sender.stats())}\n`);
await database.close();
