/**
 * QR decoding benchmark: zxing-wasm (through decodeQr, retries included) against plain single-pass zxing (one
 * read at the size decodeQr's first pass uses, same reader options) and jsQR (one pass at that size) on
 * generated, seeded poster photos: an everyday corpus and hard classes (thumbnails, heavy blur, small codes in
 * blurred photos, motion blur, glare, low contrast), with the rate per class.
 * Run alone with `npx tsx test/bench/qr-decode.ts [count]`.
 */
import { pathToFileURL } from "node:url";
import jsQRModule from "jsqr";
import { createQrDecoder, QR_READER_OPTIONS, type QrDecoder } from "../../bot/shared/qr/decode.js";
import { createZxingReader } from "../../bot/shared/qr/decode-wasm.js";
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

export interface ClassRow {
  cls: string;
  total: number;
  /** Photos read, per decoder. */
  decoded: Record<string, number>;
}

export interface BenchResult {
  name: string;
  rows: BenchRow[];
  /** Every photo with a long side of 1280 px (Telegram's photo size), everyday and hard. */
  rows1280: BenchRow[];
  /** The hard classes together. */
  hardRows: BenchRow[];
  classes: ClassRow[];
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
  /** "everyday", or the hard class it belongs to. */
  cls: string;
  long: number;
}

export const HARD_CLASSES = [
  "thumbnail",
  "heavy-blur",
  "small-blurred",
  "motion-blur",
  "glare",
  "low-contrast",
] as const;
export type HardClass = (typeof HARD_CLASSES)[number];

const between = (rng: () => number, lo: number, hi: number) => lo + rng() * (hi - lo);

/** A photo of a class the everyday corpus hardly has, the way people really send them. */
export { hardVariant as hardVariantForExperiment };

function hardVariant(cls: HardClass, rng: () => number, seed: number): PosterVariant & { traits: string[] } {
  const portrait = rng() < 0.5;
  const size = (long: number, short: number) =>
    portrait ? { width: short, height: long } : { width: long, height: short };
  const base = {
    text: `https://t.me/some_bot?start=cp_${randomToken(rng, 16)}`,
    rotate: Math.round((rng() * 2 - 1) * 15),
    shear: rng() < 0.3 ? between(rng, 0.05, 0.2) : 0,
    quality: Math.round(between(rng, 55, 85)),
    grain: between(rng, 2, 6),
    seed,
    traits: [cls],
  };
  switch (cls) {
    case "thumbnail": // a forwarded preview or a screenshot of one: 320 px at most
      return {
        ...base,
        ...size(320, 240),
        qrFraction: between(rng, 0.3, 0.5),
        blur: between(rng, 0.6, 1.2),
        quality: Math.round(between(rng, 40, 70)),
      };
    case "heavy-blur": // out of focus
      return {
        ...base,
        ...size(1280, 960),
        qrFraction: between(rng, 0.3, 0.55),
        blur: between(rng, 3.5, 5.5),
      };
    case "small-blurred": // the poster far away on a wall, slightly soft
      return {
        ...base,
        ...size(800, 600),
        qrFraction: between(rng, 0.13, 0.2),
        blur: between(rng, 1, 1.7),
      };
    case "motion-blur": // a shaking hand
      return {
        ...base,
        ...size(1280, 960),
        qrFraction: between(rng, 0.3, 0.5),
        blur: 0,
        motion: {
          length: Math.round(between(rng, 11, 21)),
          angle: ([0, 45, 90, 135] as const)[Math.floor(rng() * 4)]!,
        },
      };
    case "glare": // a lamp reflected in a laminated poster
      return {
        ...base,
        ...size(1280, 960),
        qrFraction: between(rng, 0.3, 0.5),
        blur: between(rng, 0.3, 0.8),
        glare: {
          fx: between(rng, 0.25, 0.75),
          fy: between(rng, 0.25, 0.75),
          radius: between(rng, 0.4, 0.7),
          strength: between(rng, 0.9, 1),
        },
      };
    case "low-contrast": // a faded print in a dim corridor
      return {
        ...base,
        ...size(1280, 960),
        qrFraction: between(rng, 0.3, 0.5),
        blur: between(rng, 0.5, 1.2),
        contrast: { factor: between(rng, 0.06, 0.12), offset: between(rng, -40, 30) },
      };
  }
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

async function generate(count: number, perHardClass: number): Promise<Sample[]> {
  const rng = seededRandom(20_240_601);
  const variants: (PosterVariant & { traits: string[]; cls: string })[] = Array.from(
    { length: count },
    (_, i) => ({
      ...variant(rng, i + 1),
      cls: "everyday",
    }),
  );
  const hardRng = seededRandom(20_261_201);
  for (const cls of HARD_CLASSES)
    for (let i = 0; i < perHardClass; i++)
      variants.push({ ...hardVariant(cls, hardRng, 100_000 + variants.length), cls });
  const samples: Sample[] = new Array(variants.length);
  // Two at a time: one photo's JavaScript overlaps the other's libvips work.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < variants.length; i = next++) {
      const v = variants[i]!;
      samples[i] = {
        bytes: await posterPhoto(v),
        expected: v.text,
        traits: v.traits,
        cls: v.cls,
        long: Math.max(v.width, v.height),
      };
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
  const reader = createZxingReader();
  return {
    "zxing-wasm decodeQr": async (bytes) => (await decoder.decode(bytes)).texts,
    "zxing single pass": async (bytes) => {
      // What decodeQr did before its retries: one read of the photo at its first size, never enlarged.
      const image = await decoder.pixels(bytes);
      const results = await reader.read(image, QR_READER_OPTIONS);
      return [...new Set(results.filter((r) => r.isValid && r.text !== "").map((r) => r.text))];
    },
    "jsQR one pass": async (bytes) => {
      // Same pixels zxing's first pass gets: sharp's RGBA at the same downscaled size.
      const image = await decoder.pixels(bytes);
      // Our photos are dark-on-light; trying the inverted image too would only double jsQR's misses.
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return code ? [code.data] : [];
    },
  };
}

export async function benchQrDecode(
  opts: { count?: number; perHardClass?: number } = {},
): Promise<BenchResult> {
  const count = opts.count ?? 120;
  const started = performance.now();
  const samples = await generate(count, opts.perHardClass ?? 20);
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
  const ok: Record<string, boolean[]> = Object.fromEntries(names.map((n) => [n, []]));
  const misses: Record<string, Record<string, number>> = Object.fromEntries(names.map((n) => [n, {}]));
  for (const [i, sample] of samples.entries()) {
    // Rotate the order so no decoder always runs right after another warmed the same photo.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const t0 = performance.now();
      const texts = await decoders[name]!(sample.bytes);
      times[name]![i] = performance.now() - t0;
      const hit = texts.length === 1 && texts[0] === sample.expected;
      ok[name]![i] = hit;
      if (!hit) for (const trait of sample.traits) misses[name]![trait] = (misses[name]![trait] ?? 0) + 1;
    }
  }

  const rowsOf = (pick: (s: Sample) => boolean) =>
    names.map((name): BenchRow => {
      const idx = samples.flatMap((s, i) => (pick(s) ? [i] : []));
      const sorted = idx.map((i) => times[name]![i]!).sort((a, b) => a - b);
      const decoded = idx.filter((i) => ok[name]![i]).length;
      return {
        decoder: name,
        decoded,
        total: idx.length,
        ratePct: idx.length ? (100 * decoded) / idx.length : 0,
        medianMs: percentile(sorted, 0.5),
        p90Ms: percentile(sorted, 0.9),
      };
    });
  const rows = rowsOf(() => true);
  const classes = ["everyday", ...HARD_CLASSES].map((cls) => ({
    cls,
    total: samples.filter((s) => s.cls === cls).length,
    decoded: Object.fromEntries(
      names.map((n) => [n, samples.filter((s, i) => s.cls === cls && ok[n]![i]).length]),
    ),
  }));
  const hardRows = rowsOf((s) => s.cls !== "everyday");
  const rate = (r: BenchRow[], name: string) => r.find((x) => x.decoder === name)!.ratePct;
  const median = (name: string) => rows.find((r) => r.decoder === name)!.medianMs;
  return {
    name: "qr-decode",
    rows,
    rows1280: rowsOf((s) => s.long === 1280),
    hardRows,
    classes,
    ratios: {
      "median zxing-wasm / jsQR": median("zxing-wasm decodeQr") / median("jsQR one pass"),
      "median decodeQr / single pass": median("zxing-wasm decodeQr") / median("zxing single pass"),
      "hard-class rate decodeQr / single pass":
        rate(hardRows, "zxing-wasm decodeQr") / Math.max(1e-9, rate(hardRows, "zxing single pass")),
    },
    misses,
    generateMs,
  };
}

export function formatQrBench(result: BenchResult): string {
  const table = (title: string, rows: BenchRow[]) => [
    title,
    `${"decoder".padEnd(22)}${"decoded".padStart(10)}${"rate".padStart(8)}${"median ms".padStart(11)}${"p90 ms".padStart(9)}`,
    ...rows.map(
      (r) =>
        `${r.decoder.padEnd(22)}${`${r.decoded}/${r.total}`.padStart(10)}${`${r.ratePct.toFixed(1)}%`.padStart(8)}` +
        `${r.medianMs.toFixed(1).padStart(11)}${r.p90Ms.toFixed(1).padStart(9)}`,
    ),
  ];
  const names = result.rows.map((r) => r.decoder);
  const lines = [
    `qr-decode: ${result.rows[0]?.total ?? 0} photos generated in ${(result.generateMs / 1000).toFixed(1)} s`,
    ...table("all photos", result.rows),
    ...table("photos of 1280 px (targets: median ≤ 30 ms, p90 ≤ 150 ms)", result.rows1280),
    ...table("hard classes together (target ≥ 85 %)", result.hardRows),
    "rate per class:",
    `${"class".padEnd(16)}${"photos".padStart(7)}${names.map((n) => n.padStart(22)).join("")}`,
    ...result.classes.map(
      (c) =>
        `${c.cls.padEnd(16)}${String(c.total).padStart(7)}` +
        names
          .map((n) =>
            `${c.decoded[n]} (${((100 * (c.decoded[n] ?? 0)) / Math.max(1, c.total)).toFixed(0)}%)`.padStart(
              22,
            ),
          )
          .join(""),
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
  const perHardClass = process.argv[3] ? Number(process.argv[3]) : undefined;
  console.log(formatQrBench(await benchQrDecode({ count, perHardClass })));
}
