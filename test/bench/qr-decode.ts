/**
 * QR decoding benchmark: zxing-wasm (through decodeQr, retries included) against jsQR (one pass at the
 * size decodeQr's first pass uses) on generated, seeded poster photos.
 * Run alone with `npx tsx test/bench/qr-decode.ts [count]`.
 */
import { pathToFileURL } from "node:url";
import jsQRModule from "jsqr";
import { createQrDecoder, type QrDecoder } from "../../bot/shared/qr/decode.js";
import { type PosterVariant, posterPhoto, randomToken, seededRandom } from "../support/qr-photos.js";

export interface BenchRow {
  decoder: string;
  decoded: number;
  total: number;
  /** Share of photos whose decoded text is exactly the encoded one, in percent. */
  ratePct: number;
  medianMs: number;
  p90Ms: number;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  /** Ratios measured in this run; below 1 means the first decoder is faster. */
  ratios: Record<string, number>;
  /** Photos that a decoder missed, by trait, to see what is hard. */
  misses: Record<string, Record<string, number>>;
  generateMs: number;
}

// jsqr is a CommonJS bundle whose typings declare an ES default export: Node hands us module.exports,
// which carries the function again as `.default`.
const jsQR = jsQRModule.default;

interface Sample {
  bytes: Buffer;
  expected: string;
  traits: string[];
}

function variant(rng: () => number, seed: number): PosterVariant & { traits: string[] } {
  const traits: string[] = [];
  const sizeRoll = rng();
  // Telegram recompresses photos to 1280 px (2560 px for HD); documents keep the camera's size.
  const [long, short] = sizeRoll < 0.8 ? [1280, 960] : sizeRoll < 0.95 ? [2560, 1920] : [4000, 3000];
  if (long > 1280) traits.push(`${long}px`);
  const portrait = rng() < 0.5;
  const rotRoll = rng();
  const rotate = rotRoll < 0.15 ? 90 : rotRoll < 0.3 ? 180 : Math.round((rng() * 2 - 1) * 30);
  traits.push(Math.abs(rotate) >= 90 ? `rot${rotate}` : Math.abs(rotate) > 15 ? "rot15-30" : "rot0-15");
  const qrFraction = 0.15 + rng() * 0.45;
  if (qrFraction < 0.25) traits.push("qr<25%");
  const blur = rng() * 2;
  if (blur > 1.4) traits.push("blur>1.4");
  const quality = Math.round(40 + rng() * 45);
  if (quality < 50) traits.push("q<50");
  // Mostly daylight noise; a few dim-room photos, where jsQR's finder search can take seconds.
  const grain = rng() < 0.8 ? 2 + rng() * 6 : 8 + rng() * 8;
  if (grain > 8) traits.push("grainy");
  const shear = rng() < 0.3 ? 0.1 + rng() * 0.25 : 0;
  if (shear) traits.push("sheared");
  return {
    text: `https://t.me/some_bot?start=cp_${randomToken(rng, 16)}`,
    width: portrait ? short : long,
    height: portrait ? long : short,
    qrFraction,
    rotate,
    shear,
    blur,
    quality,
    grain,
    seed,
    traits,
  };
}

async function generate(count: number): Promise<Sample[]> {
  const rng = seededRandom(20_240_601);
  const variants = Array.from({ length: count }, (_, i) => variant(rng, i + 1));
  const samples: Sample[] = new Array(count);
  // Two at a time: one photo's JavaScript overlaps the other's libvips work.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const v = variants[i]!;
      samples[i] = { bytes: await posterPhoto(v), expected: v.text, traits: v.traits };
    }
  };
  await Promise.all([worker(), worker()]);
  return samples;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

type Attempt = (bytes: Buffer) => Promise<string[]>;

function attempts(decoder: QrDecoder): Record<string, Attempt> {
  return {
    "zxing-wasm decodeQr": async (bytes) => (await decoder.decode(bytes)).texts,
    "jsQR one pass": async (bytes) => {
      // Same pixels zxing's first pass gets: sharp's RGBA at the same downscaled size.
      const image = await decoder.pixels(bytes);
      // Our photos are dark-on-light; trying the inverted image too would only double jsQR's misses.
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return code ? [code.data] : [];
    },
  };
}

export async function benchQrDecode(opts: { count?: number } = {}): Promise<BenchResult> {
  const count = opts.count ?? 120;
  const started = performance.now();
  const samples = await generate(count);
  const generateMs = performance.now() - started;

  const decoder = createQrDecoder();
  await decoder.ready();
  const decoders = attempts(decoder);
  const names = Object.keys(decoders);
  // Warm up outside the measurement: jsQR runs several times slower until the JIT has seen it.
  for (let i = 0; i < Math.min(3, count); i++) {
    for (const name of names) await decoders[name]!(samples[i]!.bytes);
  }

  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const hits: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const misses: Record<string, Record<string, number>> = Object.fromEntries(names.map((n) => [n, {}]));
  for (const [i, sample] of samples.entries()) {
    // Rotate the order so no decoder always runs right after another warmed the same photo.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const t0 = performance.now();
      const texts = await decoders[name]!(sample.bytes);
      times[name]!.push(performance.now() - t0);
      if (texts.length === 1 && texts[0] === sample.expected) hits[name]! += 1;
      else for (const trait of sample.traits) misses[name]![trait] = (misses[name]![trait] ?? 0) + 1;
    }
  }

  const rows = names.map((name): BenchRow => {
    const sorted = [...times[name]!].sort((a, b) => a - b);
    return {
      decoder: name,
      decoded: hits[name]!,
      total: count,
      ratePct: (100 * hits[name]!) / count,
      medianMs: percentile(sorted, 0.5),
      p90Ms: percentile(sorted, 0.9),
    };
  });
  const median = (name: string) => rows.find((r) => r.decoder === name)!.medianMs;
  return {
    name: "qr-decode",
    rows,
    ratios: { "median zxing-wasm / jsQR": median("zxing-wasm decodeQr") / median("jsQR one pass") },
    misses,
    generateMs,
  };
}

export function formatQrBench(result: BenchResult): string {
  const lines = [
    `qr-decode: ${result.rows[0]?.total ?? 0} photos generated in ${(result.generateMs / 1000).toFixed(1)} s`,
    `${"decoder".padEnd(22)}${"decoded".padStart(10)}${"rate".padStart(8)}${"median ms".padStart(11)}${"p90 ms".padStart(9)}`,
    ...result.rows.map(
      (r) =>
        `${r.decoder.padEnd(22)}${`${r.decoded}/${r.total}`.padStart(10)}${`${r.ratePct.toFixed(1)}%`.padStart(8)}` +
        `${r.medianMs.toFixed(1).padStart(11)}${r.p90Ms.toFixed(1).padStart(9)}`,
    ),
    ...Object.entries(result.ratios).map(([label, value]) => `ratio ${label}: ${value.toFixed(2)}`),
    ...Object.entries(result.misses).map(
      ([name, byTrait]) =>
        `misses ${name}: ${
          Object.entries(byTrait)
            .map(([t, n]) => `${t}=${n}`)
            .join(" ") || "none"
        }`,
    ),
  ];
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = process.argv[2] ? Number(process.argv[2]) : undefined;
  console.log(formatQrBench(await benchQrDecode({ count })));
}
