/**
 * Eight 40-megapixel photos (6300 × 6300 PNGs of a small QR, about 100 KB each) arriving at once: peak RSS
 * and the longest event-loop stall (what a bystander's /help would wait for) when they are decoded in the
 * main thread, as before (the baseline), and through the worker pool the bot uses; then the bot itself
 * (main() in webhook mode, production settings) sent the eight photos by eight residents at once while
 * bystanders ask /help every 250 ms: the bystanders' reply latency (p50, max; issue 13: under a second), the
 * photos' outcomes and the bot's peak RSS (issue 13: under 600 MB). Each mode runs in its own process. Run
 * alone with `npx tsx test/bench/heavy-photos.ts`; the bot runs on PGlite, or PostgreSQL when DATABASE_URL is set.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import sharp from "sharp";
import { createI18n } from "../../bot/core/i18n.js";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { createQrDecoder } from "../../bot/shared/qr/decode.js";
import { createQrDecoderPool, DecoderBusyError } from "../../bot/shared/qr/decode-pool.js";
import { findOrCreateUser } from "../../bot/shared/users.js";
import { checkpoints } from "../../db/schema/index.js";
import {
  latencySummary,
  photoUpdate,
  probeBystander,
  seedResidents,
  startBenchBot,
  timedPost,
} from "./bench-bot.js";

const COUNT = 8;
const SIDE = 6300;
/** The poster code in the photos' QR; the bot's mode gives its checkpoint this code. */
const CODE = "HEAVYPHOTO_BENCH";

async function generate(dir: string) {
  const qr = await QRCode.toBuffer(`https://t.me/bot?start=cp_${CODE}`, { width: 900, margin: 4 });
  const png = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: "#ffffff" } })
    .composite([{ input: qr, left: 2700, top: 2700 }])
    .png({ compressionLevel: 9 })
    .toBuffer();
  for (let i = 0; i < COUNT; i++) writeFileSync(join(dir, `p${i}.png`), png);
  return png.length;
}

async function measure(mode: "main-thread" | "pool", dir: string) {
  const photos = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  let peakRss = process.memoryUsage().rss;
  const startRss = peakRss;
  let worstLag = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - last - 20);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const workers = Math.max(1, availableParallelism() - 1);
  const pool = createQrDecoderPool({ workers, queue: 16, maxPixels: 160_000_000 });
  const local = createQrDecoder();
  await (mode === "pool" ? pool.ready() : local.ready());
  const started = performance.now();
  let decoded = 0;
  let busy = 0;
  await Promise.all(
    photos.map(async (bytes) => {
      try {
        const r = await (mode === "pool" ? pool.decode(bytes) : local.decode(bytes));
        if (r.texts.length) decoded += 1;
      } catch (err) {
        if (err instanceof DecoderBusyError) busy += 1;
        else throw err;
      }
    }),
  );
  const ms = performance.now() - started;
  clearInterval(tick);
  await pool.close();
  console.log(
    JSON.stringify({
      mode,
      decoded,
      busy,
      totalMs: Math.round(ms),
      startRssMb: Math.round(startRss / 1e6),
      peakRssMb: Math.round(peakRss / 1e6),
      worstEventLoopStallMs: Math.round(worstLag),
    }),
  );
}

/** The bot, sent the photos by residents at once, with bystanders asking /help meanwhile. */
async function measureBot(dir: string) {
  const photos = readdirSync(dir).map((f) => readFileSync(join(dir, f)));
  const bot = await startBenchBot("heavy-photos");
  try {
    const db = bot.app.database.db;
    const now = new Date();
    const senders = photos.map((_, i) => 610_000_000 + i);
    const bystanders = [610_000_100, 610_000_101, 610_000_102, 610_000_103];
    await seedResidents(db, [...senders, ...bystanders], now);
    const manager = await findOrCreateUser(db, { channel: "telegram", externalId: "1", chatId: "1" });
    const place = await createCheckpoint(
      db,
      manager.id,
      {
        name: "Heavy photo bench",
        phone: null,
        provinceCode: "01",
        communeCode: null,
        address: "1 Tràng Tiền",
        kind: "shop",
        stayMinutes: 240,
        parentId: null,
      },
      now,
    );
    await db.update(checkpoints).set({ code: CODE }).where(eq(checkpoints.id, place.id));
    // The decoder's WebAssembly and the workers start with the first photo, as in production.
    let peakRss = process.memoryUsage().rss;
    const startRss = peakRss;
    const tick = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const sending = Promise.all(
      photos.map((bytes, i) => timedPost(bot.fake, photoUpdate(bot.fake, senders[i]!, bytes))),
    );
    const lags = await probeBystander(bot.fake, bystanders, sending, { everyMs: 250, min: 4 });
    const posts = await sending;
    const totalMs = performance.now() - started;
    clearInterval(tick);
    const t = createI18n().t("vi");
    const busyText = t("checkpoint:photo.busy");
    const said = senders.map((id) =>
      bot.fake
        .sent(id)
        .map((c) => String(c.params.text ?? ""))
        .join("\n"),
    );
    console.log(
      JSON.stringify({
        mode: "bot",
        database: bot.database,
        checkedIn: said.filter((x) => x.includes("Heavy photo bench")).length,
        askedToResend: said.filter((x) => x.includes(busyText)).length,
        failedPosts: posts.filter((p) => p.status !== 200).length,
        slowestPhotoMs: Math.round(Math.max(...posts.map((p) => p.ms))),
        totalMs: Math.round(totalMs),
        startRssMb: Math.round(startRss / 1e6),
        peakRssMb: Math.round(peakRss / 1e6),
        bystander: latencySummary(lags),
      }),
    );
  } finally {
    await bot.stop();
  }
}

const [, , role, mode, dir] = process.argv;
if (role === "child" && dir && (mode === "pool" || mode === "main-thread")) {
  await measure(mode, dir);
} else if (role === "child" && dir && mode === "bot") {
  await measureBot(dir);
} else {
  const tmp = mkdtempSync(join(tmpdir(), "i13-heavy-"));
  try {
    const bytes = await generate(tmp);
    console.log(
      `${COUNT} photos of ${SIDE}×${SIDE} (${(SIDE * SIDE) / 1e6} MP), ${Math.round(bytes / 1024)} KB each`,
    );
    const self = fileURLToPath(import.meta.url);
    const rows: Record<string, { peakRssMb: number; worstEventLoopStallMs: number; totalMs: number }> = {};
    for (const m of ["main-thread", "pool", "bot"]) {
      const r = spawnSync(process.execPath, ["--import", "tsx", self, "child", m, tmp], { encoding: "utf8" });
      const line = r.stdout.trim().split("\n").at(-1) ?? "";
      console.log(line || r.stderr);
      if (line) rows[m] = JSON.parse(line);
    }
    const base = rows["main-thread"];
    const pool = rows.pool;
    if (base && pool) {
      console.log(
        `pool / main thread: peak RSS ${(pool.peakRssMb / base.peakRssMb).toFixed(2)}, ` +
          `worst stall ${(pool.worstEventLoopStallMs / Math.max(1, base.worstEventLoopStallMs)).toFixed(3)}, ` +
          `total time ${(pool.totalMs / base.totalMs).toFixed(2)}`,
      );
    }
    const inBot = rows.bot as unknown as
      | {
          checkedIn: number;
          askedToResend: number;
          peakRssMb: number;
          bystander: { p50Ms: number; maxMs: number; probes: number };
        }
      | undefined;
    if (inBot) {
      console.log(
        `the bot, eight photos at once: bystander /help p50 ${inBot.bystander.p50Ms} ms, max ${inBot.bystander.maxMs} ms ` +
          `over ${inBot.bystander.probes} probes (target < 1000); ${inBot.checkedIn} checked in, ` +
          `${inBot.askedToResend} asked to send again (pixel budget); peak RSS ${inBot.peakRssMb} MB (target < 600)`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
