/**
 * The bot as production starts it (main() in webhook mode against the fake Bot API), on a database of the
 * bench's own, with helpers to post updates the way Telegram does — in parallel, each POST answered once the
 * update is handled and its replies sent — and to time a bystander's /help while a load runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { App } from "../../bot/app.js";
import { NOTICE_VERSION } from "../../bot/features/privacy/index.js";
import { main } from "../../bot/main.js";
import { findOrCreateUser, recordConsent, setUserLang, setUserPhone } from "../../bot/shared/users.js";
import type { DbOrTx } from "../../db/client.js";
import { type FakeTelegram, startFakeTelegram } from "../fake-telegram/index.js";
import { declareFor, freePort } from "./checkin-seed.js";

export const BENCH_SECRET = "bench_webhook_secret";

/** PGlite in a temporary directory, or a new database on the PostgreSQL of `url` (dropped afterwards). */
export async function benchDatabase(url: string | undefined, bench: string, prefix = "hb") {
  const dataDir = mkdtempSync(join(tmpdir(), `hb-bench-${bench}-`));
  if (!url)
    return {
      env: { DATA_DIR: dataDir },
      kind: "pglite" as const,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `${prefix}_bench_${bench.replace(/\W/g, "_")}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: u.toString() },
    kind: "postgres" as const,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BenchBot {
  fake: FakeTelegram;
  app: App;
  database: "pglite" | "postgres";
  stop(): Promise<void>;
}

/** The app in webhook mode; `env` adds to (or overrides) what the bench sets. */
export async function startBenchBot(bench: string, env: Record<string, string> = {}): Promise<BenchBot> {
  const fake = await startFakeTelegram({ ackTimeoutMs: 60_000 });
  const database = await benchDatabase(process.env.DATABASE_URL, bench, process.env.BENCH_DB_PREFIX);
  const port = await freePort();
  try {
    const app = await main({
      ...database.env,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      TELEGRAM_WEBHOOK_SECRET: BENCH_SECRET,
      PORT: String(port),
      LOG_LEVEL: "silent",
      TERMINAL_CHAT: "off",
      ...env,
    });
    return {
      fake,
      app,
      database: database.kind,
      stop: async () => {
        await app.stop();
        await fake.close();
        await database.drop();
      },
    };
  } catch (err) {
    await fake.close();
    await database.drop();
    throw err;
  }
}

/** Residents as a returning one is: language, privacy notice agreed, phone, a valid declaration. */
export async function seedResidents(db: DbOrTx, telegramIds: number[], now: Date): Promise<void> {
  for (const telegramId of telegramIds) {
    const u = await findOrCreateUser(db, {
      channel: "telegram",
      externalId: String(telegramId),
      chatId: String(telegramId),
    });
    await setUserLang(db, u.id, "vi");
    await recordConsent(db, u.id, NOTICE_VERSION, now);
    await setUserPhone(db, u.id, `+8490${String(telegramId % 10_000_000).padStart(7, "0")}`, now);
    await declareFor(db, u.id, now);
  }
}

let messageSeq = 1;

/** A message update from a private chat (`/command` texts carry their bot_command entity). */
export function messageUpdate(telegramId: number, fields: object) {
  const from = { id: telegramId, is_bot: false, first_name: `R${telegramId}`, language_code: "vi" };
  return {
    message: {
      message_id: messageSeq++,
      from,
      chat: { id: telegramId, type: "private", first_name: from.first_name },
      date: Math.floor(Date.now() / 1000),
      ...fields,
    },
  };
}

export function textUpdate(telegramId: number, text: string) {
  const command = /^\/\w+/.exec(text)?.[0];
  const entities = command ? [{ offset: 0, length: command.length, type: "bot_command" }] : undefined;
  return messageUpdate(telegramId, { text, ...(entities ? { entities } : {}) });
}

/** A photo as Telegram sends it: the file kept by the fake, a thumbnail and the full size. */
export function photoUpdate(fake: FakeTelegram, telegramId: number, bytes: Buffer) {
  const thumb = fake.addFile(bytes.subarray(0, 2048), { fileSize: 2048 });
  const full = fake.addFile(bytes, { fileSize: bytes.length });
  return messageUpdate(telegramId, {
    photo: [
      { ...thumb, width: 90, height: 90 },
      { ...full, width: 1280, height: 1280 },
    ],
  });
}

/** POSTs one update to the bot's webhook; resolves with the time until it was handled and answered (ms). */
export async function timedPost(fake: FakeTelegram, update: object): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const r = await fake.postToWebhook(update);
  return { ms: performance.now() - started, status: r.status };
}

export const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * A bystander's /help, sent every `everyMs` until `until` settles (at least `min` times): each one's reply
 * latency, in order. The probes go round `bystanders` (different chats), so that no chat meets the pacing of
 * replies to one chat (about one a second) and what is timed is the bot, not that pacing.
 */
export async function probeBystander(
  fake: FakeTelegram,
  bystanders: number[],
  until: Promise<unknown>,
  opts: { everyMs: number; min: number; max?: number },
): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; (!done || i < opts.min) && i < (opts.max ?? Number.POSITIVE_INFINITY); i++) {
    const at = started + i * opts.everyMs;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = await timedPost(fake, textUpdate(bystanders[i % bystanders.length]!, "/help"));
    if (r.status !== 200) throw new Error(`bystander's /help answered ${r.status}`);
    latencies.push(r.ms);
  }
  return latencies;
}

/** "p50 12 ms, max 40 ms over 8 probes". */
export function latencySummary(latencies: number[]): { p50Ms: number; maxMs: number; probes: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50Ms: Math.round(quantile(sorted, 0.5)),
    maxMs: Math.round(sorted.at(-1) ?? 0),
    probes: sorted.length,
  };
}
