/**
 * Check-in throughput end to end: the app started by main() in webhook mode against the fake Bot API,
 * residents with declarations each POSTing `/start cp_<code>` webhook updates (webhook → engine → database
 * → reply to the fake), against a bare grammY echo bot served with webhookCallback on the same harness and
 * load. Run alone with `npx tsx test/bench/checkin.ts [updates]`; PGlite in a temp directory, or PostgreSQL
 * when DATABASE_URL is set (it creates and drops its own database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Bot } from "grammy";
import postgres from "postgres";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { main } from "../../bot/main.js";
import { findOrCreateUser, setUserLang, setUserPhone } from "../../bot/shared/users.js";
import type { Db } from "../../db/client.js";
import { visits } from "../../db/schema/index.js";
import { type FakeTelegram, serveWebhook, startFakeTelegram } from "../fake-telegram/index.js";
import { declareFor, freePort } from "./checkin-seed.js";

export interface BenchCheckinOptions {
  /** Measured updates per side (after a warm-up of a tenth as many). */
  updates?: number;
  residents?: number;
  concurrency?: number;
  /** PostgreSQL to create the bench database on; unset: PGlite. */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface SideResult {
  side: string;
  updates: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

export interface BenchCheckinResult {
  name: "checkin";
  database: "pglite" | "postgres";
  concurrency: number;
  app: SideResult;
  baseline: SideResult;
  /** app ÷ baseline updates per second, measured in this run. */
  ratio: number;
  visitsCreated: number;
}

const SECRET = "bench_webhook_secret";

function startUpdate(userId: number, text: string, messageId: number) {
  const from = { id: userId, is_bot: false, first_name: `R${userId}`, language_code: "vi" };
  const command = text.split(" ")[0]!;
  return {
    message: {
      message_id: messageId,
      from,
      chat: { id: userId, type: "private", first_name: from.first_name },
      date: Math.floor(Date.now() / 1000),
      text,
      entities: [{ offset: 0, length: command.length, type: "bot_command" }],
    },
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** POSTs the updates to the fake's current webhook, `concurrency` at a time; latency is the POST's. */
async function load(
  fake: FakeTelegram,
  side: string,
  updates: object[],
  concurrency: number,
): Promise<SideResult> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < updates.length) {
        const update = updates[next++]!;
        const t = performance.now();
        const r = await fake.postToWebhook(update);
        latencies.push(performance.now() - t);
        if (r.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    side,
    updates: updates.length,
    perSecond: updates.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    failed,
  };
}

/** Residents i check in at checkpoint A, then B, then A…: every update is a real check-in, never "already". */
function plan(residents: number[], codes: string[], count: number, seq: { n: number }): object[] {
  return Array.from({ length: count }, (_, i) => {
    const resident = residents[i % residents.length]!;
    const round = Math.floor(i / residents.length) + seq.n;
    return startUpdate(resident, `/start cp_${codes[round % codes.length]}`, 10_000 + i + seq.n * count);
  });
}

async function baselineSide(fake: FakeTelegram, updates: object[], warm: object[], concurrency: number) {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
  const server = await serveWebhook(bot, { secretToken: SECRET });
  try {
    await bot.api.setWebhook(server.url, { secret_token: SECRET });
    await load(fake, "warm-up", warm, concurrency);
    return await load(fake, "grammY echo (baseline)", updates, concurrency);
  } finally {
    await bot.api.deleteWebhook();
    await server.close();
  }
}

async function databaseEnv(url: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), "hb-bench-checkin-"));
  if (!url)
    return {
      env: { DATA_DIR: dataDir },
      kind: "pglite" as const,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  const name = `hb_bench_checkin_${process.pid}`;
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

async function seed(db: Db, residents: number, now: Date): Promise<{ ids: number[]; codes: string[] }> {
  const manager = await findOrCreateUser(db, { channel: "telegram", externalId: "1", chatId: "1" });
  const place = {
    phone: null,
    provinceCode: "01",
    communeCode: null,
    address: "1 Tràng Tiền",
    kind: "shop" as const,
    stayMinutes: 240,
    parentId: null,
  };
  const a = await createCheckpoint(db, manager.id, { ...place, name: "Bench A" }, now);
  const b = await createCheckpoint(db, manager.id, { ...place, name: "Bench B" }, now);
  const ids: number[] = [];
  for (let i = 0; i < residents; i++) {
    const telegramId = 700_000_000 + i;
    const u = await findOrCreateUser(db, {
      channel: "telegram",
      externalId: String(telegramId),
      chatId: String(telegramId),
    });
    await setUserLang(db, u.id, "vi");
    await setUserPhone(db, u.id, `+8491${String(2_000_000 + i).padStart(7, "0")}`, now);
    await declareFor(db, u.id, now);
    ids.push(telegramId);
  }
  return { ids, codes: [a.code, b.code] };
}

export async function benchCheckin(opts: BenchCheckinOptions = {}): Promise<BenchCheckinResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const count = opts.updates ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  // Below the daily cap of self check-ins (30): at most 20 check-ins per resident.
  const residentCount = opts.residents ?? Math.max(200, Math.ceil((count * 1.1) / 20));
  const fake = await startFakeTelegram({ ackTimeoutMs: 30_000 });
  const database = await databaseEnv(opts.databaseUrl);
  const warmCount = Math.max(20, Math.floor(count / 10));
  try {
    const echoUpdates = plan(
      Array.from({ length: residentCount }, (_, i) => 800_000_000 + i),
      ["AAAAAAAAAAAAAAAA"],
      count,
      { n: 1 },
    );
    const echoWarm = plan([900_000_000], ["AAAAAAAAAAAAAAAA"], warmCount, { n: 2 });
    const baseline = await baselineSide(fake, echoUpdates, echoWarm, concurrency);

    const port = await freePort();
    const app = await main(
      {
        ...database.env,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        LOG_LEVEL: "silent",
        // Each bench resident checks in many times a second: no per-chat limit, or it would measure that.
        RATE_LIMIT_BURST: "1000",
        TELEGRAM_CHAT_RATE_PER_SECOND: "1000",
        TERMINAL_CHAT: "off",
      },
      {},
    );
    try {
      const { ids, codes } = await seed(app.database.db, residentCount, new Date());
      // The warm-up checks everyone in once; the measured run then moves them between A and B.
      await load(fake, "warm-up", plan(ids, codes, Math.min(warmCount, ids.length), { n: 0 }), concurrency);
      const before = (await app.database.db.select({ id: visits.id }).from(visits)).length;
      const measured = await load(fake, "check-in (app)", plan(ids, codes, count, { n: 1 }), concurrency);
      const visitsCreated = (await app.database.db.select({ id: visits.id }).from(visits)).length - before;
      const result: BenchCheckinResult = {
        name: "checkin",
        database: database.kind,
        concurrency,
        app: measured,
        baseline,
        ratio: measured.perSecond / baseline.perSecond,
        visitsCreated,
      };
      printTable(result, log);
      return result;
    } finally {
      await app.stop();
    }
  } finally {
    await fake.close();
    await database.drop();
  }
}

export function printTable(r: BenchCheckinResult, log: (line: string) => void): void {
  log(`check-in over webhook (${r.database}), ${r.app.updates} updates, ${r.concurrency} concurrent POSTs`);
  log("| side | updates/s | p50 ms | p99 ms | failed |");
  log("|---|---:|---:|---:|---:|");
  for (const s of [r.app, r.baseline])
    log(
      `| ${s.side} | ${s.perSecond.toFixed(1)} | ${s.p50Ms.toFixed(1)} | ${s.p99Ms.toFixed(1)} | ${s.failed} |`,
    );
  log(`ratio app/baseline: ${r.ratio.toFixed(3)} (visits created: ${r.visitsCreated})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const updates = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await benchCheckin({ updates, databaseUrl: process.env.DATABASE_URL });
  process.exit(result.app.failed === 0 && result.visitsCreated === result.app.updates ? 0 : 1);
}
