/**
 * One chat flooding the bot (300 messages in 10 s over the webhook, in parallel as Telegram would post them)
 * while bystanders ask /help twice a second (four chats in turn): the bystanders' reply latency (p50, max),
 * how many replies the flooding chat got and how many of them were "please slow down", under the production
 * limits (RATE_LIMIT_BURST 8, RATE_LIMIT_PER_MINUTE 30, replies paced at one a second per chat). Issue 13: at
 * most ~15 replies to the flooder, a bystander answered in under a second. Run alone with
 * `npx tsx test/bench/flood.ts`; PGlite in a temporary directory, or PostgreSQL when DATABASE_URL is set.
 */
import { pathToFileURL } from "node:url";
import { createI18n } from "../../bot/core/i18n.js";
import { latencySummary, probeBystander, seedResidents, startBenchBot, textUpdate } from "./bench-bot.js";

export interface FloodResult {
  name: "flood";
  database: "pglite" | "postgres";
  sent: number;
  seconds: number;
  repliesToFlooder: number;
  slowDowns: number;
  failedPosts: number;
  bystander: { p50Ms: number; maxMs: number; probes: number };
  /** The same bystander's /help with nothing else going on. */
  idle: { p50Ms: number; maxMs: number; probes: number };
}

const FLOODER = 600_000_001;
/** Bystanders, each asked in turn (see probeBystander): four for the flood, four more for the quiet probes. */
const BYSTANDERS = [600_000_010, 600_000_011, 600_000_012, 600_000_013];
const QUIET = [600_000_020, 600_000_021, 600_000_022, 600_000_023];

export async function benchFlood(opts: { messages?: number; seconds?: number } = {}): Promise<FloodResult> {
  const messages = opts.messages ?? 300;
  const window = (opts.seconds ?? 10) * 1000;
  const bot = await startBenchBot("flood", {
    RATE_LIMIT_BURST: "8",
    RATE_LIMIT_PER_MINUTE: "30",
    TELEGRAM_CHAT_RATE_PER_SECOND: "1",
  });
  try {
    await seedResidents(bot.app.database.db, [FLOODER, ...BYSTANDERS, ...QUIET], new Date());
    const idle = latencySummary(
      await probeBystander(bot.fake, QUIET, Promise.resolve(), { everyMs: 250, min: 8 }),
    );
    const before = bot.fake.sent(FLOODER).length;
    const started = performance.now();
    let failedPosts = 0;
    const flood = (async () => {
      const posts: Promise<void>[] = [];
      for (let i = 0; i < messages; i++) {
        const at = started + (i * window) / messages;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        posts.push(
          bot.fake.postToWebhook(textUpdate(FLOODER, `tin nhắn ${i}`)).then((r) => {
            if (r.status !== 200) failedPosts += 1;
          }),
        );
      }
      await Promise.all(posts);
    })();
    const lags = await probeBystander(bot.fake, BYSTANDERS, flood, { everyMs: 500, min: 20 });
    await flood;
    const seconds = (performance.now() - started) / 1000;
    const slowDown = createI18n().t("vi")("common:slowDown");
    const toFlooder = bot.fake.sent(FLOODER).slice(before);
    const result: FloodResult = {
      name: "flood",
      database: bot.database,
      sent: messages,
      seconds,
      repliesToFlooder: toFlooder.length,
      slowDowns: toFlooder.filter((c) => String(c.params.text) === slowDown).length,
      failedPosts,
      bystander: latencySummary(lags),
      idle,
    };
    printFlood(result, console.log);
    return result;
  } finally {
    await bot.stop();
  }
}

export function printFlood(r: FloodResult, log: (line: string) => void): void {
  log(`one chat sending ${r.sent} messages in ${r.seconds.toFixed(1)} s (webhook, ${r.database})`);
  log("| | value |");
  log("|---|---:|");
  log(`| replies to the flooding chat (target ≤ ~15) | ${r.repliesToFlooder} |`);
  log(`| of them "please slow down" | ${r.slowDowns} |`);
  log(`| bystander /help p50 ms, during the flood | ${r.bystander.p50Ms} |`);
  log(`| bystander /help max ms, during the flood (target < 1000) | ${r.bystander.maxMs} |`);
  log(`| bystander probes | ${r.bystander.probes} |`);
  log(`| bystander /help p50 / max ms, no flood | ${r.idle.p50Ms} / ${r.idle.maxMs} |`);
  log(`| webhook POSTs not answered 200 | ${r.failedPosts} |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchFlood();
  process.exit(r.failedPosts === 0 ? 0 : 1);
}
