/**
 * Eight 40-megapixel photos (6300 × 6300 PNGs of a small QR, about 100 KB each) arriving at once: peak RSS
 * and the longest event-loop stall (what a bystander's /help would wait for) when they are decoded in the
 * main thread, as before (the baseline), and through the worker pool the bot uses. Each mode runs in its
 * own process. Run alone with `npx tsx test/bench/heavy-photos.ts`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import QRCode from "qrcode";
import sharp from "sharp";
import { createQrDecoder } from "../../bot/shared/qr/decode.js";
import { createQrDecoderPool, DecoderBusyError } from "../../bot/shared/qr/decode-pool.js";

const COUNT = 8;
const SIDE = 6300;

async function generate(dir: string) {
  const qr = await QRCode.toBuffer("https://t.me/bot?start=cp_HEAVYPHOTO", { width: 900, margin: 4 });
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

const [, , role, mode, dir] = process.argv;
if (role === "child" && dir && (mode === "pool" || mode === "main-thread")) {
  await measure(mode, dir);
} else {
  const tmp = mkdtempSync(join(tmpdir(), "i13-heavy-"));
  try {
    const bytes = await generate(tmp);
    console.log(
      `${COUNT} photos of ${SIDE}×${SIDE} (${(SIDE * SIDE) / 1e6} MP), ${Math.round(bytes / 1024)} KB each`,
    );
    const self = fileURLToPath(import.meta.url);
    const rows: Record<string, { peakRssMb: number; worstEventLoopStallMs: number; totalMs: number }> = {};
    for (const m of ["main-thread", "pool"]) {
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
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
