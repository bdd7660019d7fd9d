/**
 * Check-in throughput end to end: the app started by main() in webhook mode against the fake Bot API,
 * residents with declarations each POSTing `/start cp_<code>` webhook updates (webhook → engine → database
 * → reply to the fake), against two baselines on the same harness and load: a bare grammY echo bot served with
 * webhookCallback, and a *minimal correct check-in* — a bare grammY handler that, in one transaction on the
 * app's own database pool, records the update id and inserts the visit with plain SQL, then replies. The app
 * and the minimal check-in run in turn, three rounds at full load (`concurrency` POSTs in flight), so that the
 * machine's drift hits both alike, and the median round of each is reported; then each runs at half of that
 * rate (POSTs sent on a schedule, not waiting for one another), reporting p50/p99 for both. Statements are counted as the database
 * receives them (begin and commit included). Run alone with `npx tsx test/bench/checkin.ts [updates]`; PGlite in a temp directory, or PostgreSQL
 * when DATABASE_URL is set (it creates and drops its own database).
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { count, sql } from "drizzle-orm";
import { Api, Bot } from "grammy";
import { main } from "../../bot/main.js";
import type { Db } from "../../db/client.js";
import { visits } from "../../db/schema/index.js";
import { type FakeTelegram, serveWebhook, startFakeTelegram } from "../fake-telegram/index.js";
import { benchDatabase } from "./bench-bot.js";
import { freePort, seedCheckinWorld } from "./checkin-seed.js";

export interface BenchCheckinOptions {
  /** Measured updates per side and round (after a warm-up of a tenth as many). */
  updates?: number;
  /** The app and the minimal check-in run in turn this many times (default 3); the median round is reported. */
  rounds?: number;
  residents?: number;
  concurrency?: number;
  /** PostgreSQL to create the bench database on; unset: PGlite. */
  databaseUrl?: string;
  /** The bench database's name starts with this (BENCH_DB_PREFIX; default "hb"). */
  databasePrefix?: string;
  log?: (line: string) => void;
}

export interface SideResult {
  side: string;
  updates: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  /** The same side at half of `perSecond`, offered on a schedule. */
  half?: { perSecond: number; p50Ms: number; p99Ms: number; failed: number };
  /** This process's CPU time (bot, harness and fake Bot API together) per update at full load. */
  cpuMsPerUpdate: number;
  /** Statements per handled update's transaction, begin and commit included (database sides only). */
  statementsPerUpdate?: number;
}

export interface BenchCheckinResult {
  name: "checkin";
  database: "pglite" | "postgres";
  concurrency: number;
  app: SideResult;
  baseline: SideResult;
  minimal: SideResult;
  /** app ÷ echo baseline updates per second, measured in this run. */
  ratio: number;
  /** app ÷ minimal correct check-in, measured in this run. */
  ratioMinimal: number;
  /** Each round's rates: the app and the minimal check-in run in turn, `rounds` times. */
  rounds: { app: number; minimal: number; ratio: number }[];
  visitsCreated: number;
  expectedVisits: number;
}

const SECRET = "bench_webhook_secret";

/**
 * BENCH_PROFILE=<dir>: a CPU profile of each side's full-load run (`<side>.cpuprofile`), to see where a
 * check-in's time goes against the floor's. Profiling slows every side; take the ratios from a run without it.
 */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await run();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

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
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    side,
    cpuMsPerUpdate: (used.user + used.system) / 1000 / updates.length,
    updates: updates.length,
    perSecond: updates.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    failed,
  };
}

/** POSTs the updates at a fixed rate, each on its own schedule (an open loop): latency under a given load. */
async function loadAtRate(fake: FakeTelegram, updates: object[], perSecond: number) {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    updates.map(async (update, i) => {
      const at = started + (i * 1000) / perSecond;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      const r = await fake.postToWebhook(update);
      latencies.push(performance.now() - t);
      if (r.status !== 200) failed++;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: updates.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    failed,
  };
}

/** Counts statements per transaction that recorded an update id, from what the database was sent. */
function statementCounter() {
  const open = new Map<string, { n: number; update: boolean }>();
  let transactions = 0;
  let statements = 0;
  return {
    observe(text: string, connection: string) {
      const s = text.trimStart().slice(0, 64).toLowerCase();
      if (s.startsWith("begin")) {
        open.set(connection, { n: 1, update: false });
        return;
      }
      const tx = open.get(connection);
      if (!tx) return;
      tx.n += 1;
      if (text.includes('"processed_updates"') || text.includes(" processed_updates ")) tx.update = true;
      if (s === "commit" || s === "rollback") {
        open.delete(connection);
        if (tx.update) {
          transactions += 1;
          statements += tx.n;
        }
      }
    },
    reset() {
      transactions = 0;
      statements = 0;
    },
    perTransaction: () => (transactions === 0 ? 0 : statements / transactions),
  };
}

/**
 * Each resident checks in at checkpoint A, then B, then A… across every plan made with the same `turns`
 * (a check-in count per resident): every update is a real check-in, never "already".
 */
function plan(residents: number[], codes: string[], count: number, turns: Turns): object[] {
  return Array.from({ length: count }, (_, i) => {
    const resident = residents[i % residents.length]!;
    const turn = turns.of.get(resident) ?? 0;
    turns.of.set(resident, turn + 1);
    return startUpdate(resident, `/start cp_${codes[turn % codes.length]}`, ++turns.messages);
  });
}

interface Turns {
  of: Map<number, number>;
  messages: number;
}

const newTurns = (): Turns => ({ of: new Map(), messages: 10_000 });

async function baselineSide(fake: FakeTelegram, updates: object[], warm: object[], concurrency: number) {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
  const server = await serveWebhook(bot, { secretToken: SECRET });
  try {
    await bot.api.setWebhook(server.url, { secret_token: SECRET });
    await load(fake, "warm-up", warm, concurrency);
    const full = await profiled("echo", () => load(fake, "grammY echo (baseline)", updates, concurrency));
    return { ...full, half: await loadAtRate(fake, updates, full.perSecond / 2) };
  } finally {
    await bot.api.deleteWebhook();
    await server.close();
  }
}

/**
 * The floor of a correct check-in: the same grammY webhook serving, one transaction on the app's own pool that
 * records the update id (a duplicate does nothing) and inserts the visit with plain SQL, then the reply.
 */
async function startMinimal(fake: FakeTelegram, db: Db, checkpointId: number) {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  bot.on("message:text", async (ctx) => {
    const now = new Date();
    const updateId = String(ctx.update.update_id);
    const inserted = await db.transaction(async (tx) => {
      const claimed = await tx.execute(
        sql`insert into processed_updates (channel, update_id, processed_at)
          values ('telegram', ${updateId}, ${now.toISOString()}::timestamptz)
          on conflict do nothing returning 1`,
      );
      const rows = Array.isArray(claimed) ? claimed : ((claimed as { rows: unknown[] }).rows ?? []);
      if (rows.length === 0) return false;
      // The visit and its open_visits row (one open visit per visitor), in one statement as the app does.
      await tx.execute(
        sql`with v as (
            insert into visits (checkpoint_id, visitor_key, method, checked_in_at, auto_checkout_at)
            values (${checkpointId}, ${`bench:${updateId}`}, 'link', ${now.toISOString()}::timestamptz,
              ${new Date(now.getTime() + 4 * 3600_000).toISOString()}::timestamptz)
            returning id, visitor_key, checkpoint_id, checked_in_at, auto_checkout_at)
          insert into open_visits (visitor_key, visit_id, checkpoint_id, checked_in_at, auto_checkout_at)
          select visitor_key, id, checkpoint_id, checked_in_at, auto_checkout_at from v`,
      );
      return true;
    });
    if (inserted) await ctx.reply("Đã ghi nhận");
  });
  const server = await serveWebhook(bot, { secretToken: SECRET });
  return { url: server.url, close: () => server.close() };
}

async function visitCount(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(visits);
  return Number(row?.n ?? 0);
}

/** The round whose rate is the median (rounds alternate between the sides, so that drift hits both alike). */
function medianRound(rounds: SideResult[]): SideResult {
  const sorted = [...rounds].sort((x, y) => x.perSecond - y.perSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function seed(
  db: Db,
  residents: number,
  now: Date,
): Promise<{ ids: number[]; codes: string[]; checkpointId: number }> {
  return seedCheckinWorld(db, { residents, now, firstId: 700_000_000, names: ["Bench A", "Bench B"] });
}

export async function benchCheckin(opts: BenchCheckinOptions = {}): Promise<BenchCheckinResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const count = opts.updates ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  const rounds = opts.rounds ?? 3;
  // Below the daily cap of self check-ins (30): at most 20 check-ins per resident, over the rounds, the
  // half-load run and the warm-up.
  const residentCount = opts.residents ?? Math.max(200, Math.ceil((count * (rounds + 1.2)) / 20));
  const fake = await startFakeTelegram({ ackTimeoutMs: 30_000 });
  const database = await benchDatabase(opts.databaseUrl, "checkin", opts.databasePrefix);
  const warmCount = Math.max(20, Math.floor(count / 10));
  try {
    const echoTurns = newTurns();
    const echoUpdates = plan(
      Array.from({ length: residentCount }, (_, i) => 800_000_000 + i),
      ["AAAAAAAAAAAAAAAA"],
      count,
      echoTurns,
    );
    const echoWarm = plan([900_000_000], ["AAAAAAAAAAAAAAAA"], warmCount, echoTurns);
    const baseline = await baselineSide(fake, echoUpdates, echoWarm, concurrency);

    const port = await freePort();
    const counter = statementCounter();
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
      { onStatement: (text, connection) => counter.observe(text, connection) },
    );
    try {
      const { ids, codes, checkpointId } = await seed(app.database.db, residentCount, new Date());
      const minimal = await startMinimal(fake, app.database.db, checkpointId);
      const appUrl = `http://127.0.0.1:${port}/telegram/hook`;
      const api = new Api(fake.token, { apiRoot: fake.apiRoot });
      const point = (url: string) => api.setWebhook(url, { secret_token: SECRET });
      // The minimal check-in ignores what is sent: its plans do not count as the residents' turns.
      const turns = newTurns();
      const minimalTurns = newTurns();
      minimalTurns.messages = 5_000_000;
      const next = (n: number) => plan(ids, codes, n, turns);
      const nextMinimal = (n: number) => plan(ids, codes, n, minimalTurns);
      try {
        // Warm-ups: the app checks everyone in once; later runs move them between A and B.
        await point(minimal.url);
        await load(fake, "warm-up", nextMinimal(warmCount), concurrency);
        await point(appUrl);
        await load(fake, "warm-up", next(ids.length), concurrency);
        const appRounds: SideResult[] = [];
        const minimalRounds: SideResult[] = [];
        let visitsCreated = 0;
        for (let r = 0; r < rounds; r++) {
          await point(minimal.url);
          counter.reset();
          const m = await profiled("minimal", () =>
            load(fake, "minimal correct check-in", nextMinimal(count), concurrency),
          );
          minimalRounds.push({ ...m, statementsPerUpdate: counter.perTransaction() });
          await point(appUrl);
          const before = await visitCount(app.database.db);
          counter.reset();
          const a = await profiled("app", () => load(fake, "check-in (app)", next(count), concurrency));
          appRounds.push({ ...a, statementsPerUpdate: counter.perTransaction() });
          visitsCreated += (await visitCount(app.database.db)) - before;
        }
        const appMedian = medianRound(appRounds);
        const minimalMedian = medianRound(minimalRounds);
        await point(minimal.url);
        const minimalHalf = await loadAtRate(fake, nextMinimal(count), minimalMedian.perSecond / 2);
        await point(appUrl);
        const appHalf = await loadAtRate(fake, next(count), appMedian.perSecond / 2);
        const result: BenchCheckinResult = {
          name: "checkin",
          database: database.kind,
          concurrency,
          rounds: appRounds.map((x, i) => ({
            app: x.perSecond,
            minimal: minimalRounds[i]!.perSecond,
            ratio: x.perSecond / minimalRounds[i]!.perSecond,
          })),
          app: { ...appMedian, half: appHalf },
          baseline,
          minimal: { ...minimalMedian, half: minimalHalf },
          ratio: appMedian.perSecond / baseline.perSecond,
          ratioMinimal: appMedian.perSecond / minimalMedian.perSecond,
          visitsCreated,
          expectedVisits: rounds * count,
        };
        printTable(result, log);
        return result;
      } finally {
        await minimal.close();
      }
    } finally {
      await app.stop();
    }
  } finally {
    await fake.close();
    await database.drop();
  }
}

export function printTable(r: BenchCheckinResult, log: (line: string) => void): void {
  log(
    `check-in over webhook (${r.database}), ${r.app.updates} updates a round, ${r.rounds.length} rounds, ${r.concurrency} concurrent POSTs`,
  );
  log(
    "| side | updates/s | p50 ms | p99 ms | CPU ms/update | at half load: updates/s | p50 ms | p99 ms | statements/update | failed |",
  );
  log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const f = (n: number | undefined) => (n === undefined ? "–" : n.toFixed(1));
  for (const s of [r.app, r.minimal, r.baseline])
    log(
      `| ${s.side} | ${f(s.perSecond)} | ${f(s.p50Ms)} | ${f(s.p99Ms)} | ${s.cpuMsPerUpdate.toFixed(2)} | ${f(s.half?.perSecond)} | ` +
        `${f(s.half?.p50Ms)} | ${f(s.half?.p99Ms)} | ${f(s.statementsPerUpdate)} | ${s.failed + (s.half?.failed ?? 0)} |`,
    );
  log(
    `rounds (app, minimal, ratio): ${r.rounds
      .map((x) => `${x.app.toFixed(0)}/${x.minimal.toFixed(0)} = ${x.ratio.toFixed(3)}`)
      .join("; ")} — the median round of each side is shown above`,
  );
  log(`ratio app/echo: ${r.ratio.toFixed(3)} (target ≥ 0.5)`);
  log(`ratio app/minimal correct check-in: ${r.ratioMinimal.toFixed(3)} (target ≥ 0.8)`);
  log(
    `statements per check-in: ${f(r.app.statementsPerUpdate)} (target ≤ 6; minimal ${f(r.minimal.statementsPerUpdate)}); ` +
      `p99 at half load ${f(r.app.half?.p99Ms)} ms (target < 50); visits created: ${r.visitsCreated} of ${r.expectedVisits}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const updates = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await benchCheckin({
    updates,
    databaseUrl: process.env.DATABASE_URL,
    databasePrefix: process.env.BENCH_DB_PREFIX,
  });
  const failed = result.app.failed + (result.app.half?.failed ?? 0) + result.minimal.failed;
  process.exit(failed === 0 && result.visitsCreated === result.expectedVisits ? 0 : 1);
}
