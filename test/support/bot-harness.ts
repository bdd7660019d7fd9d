import { createServer } from "node:net";
import { Writable } from "node:stream";
import type { App } from "../../bot/app.js";
import { main } from "../../bot/main.js";
import type { StatementObserver } from "../../db/client.js";
import {
  createUser,
  type FakeTelegram,
  type ScriptedUser,
  type ScriptedUserOptions,
  startFakeTelegram,
} from "../fake-telegram/index.js";
import { type FreshDatabase, freshDatabase } from "./db.js";

export interface TestBot {
  fake: FakeTelegram;
  app: App;
  db: FreshDatabase;
  /** Every log line the app wrote, as text. */
  logs: string[];
  user(opts?: ScriptedUserOptions): ScriptedUser;
  stop(): Promise<void>;
}

export interface TestBotOptions {
  webhook?: boolean;
  clock?: () => Date;
  env?: Record<string, string>;
  /** Reuse a database (e.g. for a second process on the same PostgreSQL). */
  db?: FreshDatabase;
  /** Reuse a fake Bot API. */
  fake?: FakeTelegram;
  /** Sees every statement the app sends to the database. */
  onStatement?: StatementObserver;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The bot as production starts it (`main()` of bot/main.ts with an environment), on a fresh database,
 * talking HTTP to a fake Telegram Bot API, by long polling or by webhook.
 */
export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const fake = opts.fake ?? (await startFakeTelegram());
  const db = opts.db ?? (await freshDatabase());
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const env: Record<string, string | undefined> = {
    ...db.env,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    LOG_LEVEL: "info",
    TERMINAL_CHAT: "off",
    // Scripted users tap far faster than people: the per-chat limits are tested on their own.
    RATE_LIMIT_BURST: "1000",
    TELEGRAM_CHAT_RATE_PER_SECOND: "1000",
    ...opts.env,
  };
  if (opts.webhook) {
    const port = await freePort();
    env.PORT = String(port);
    env.TELEGRAM_WEBHOOK_URL = `http://127.0.0.1:${port}/telegram/hook`;
    env.TELEGRAM_WEBHOOK_SECRET = "test_webhook_secret_123";
  }
  const app = await main(env, { clock: opts.clock, logDestination, onStatement: opts.onStatement });
  return {
    fake,
    app,
    db,
    logs,
    user: (o) => createUser(fake, o),
    stop: async () => {
      await app.stop();
      if (!opts.fake) await fake.close();
      if (!opts.db) await db.drop();
    },
  };
}
