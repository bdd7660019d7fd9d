import type { FailOnOptions } from "sharp";
import type { ReaderOptions } from "zxing-wasm/reader";
import { checkImage, type ImageLimits, type PixelTreatment, type RgbaImage, toRgba } from "./decode-image.js";
import { createZxingReader, type ZxingReader } from "./decode-wasm.js";

export { ImageTooLargeError, UnreadableImageError } from "./decode-errors.js";
export type { RgbaImage } from "./decode-image.js";

export interface QrDecodeOptions {
  /** Width × height read from the header; default 40 000 000 (a 48 MP phone photo is refused). */
  maxPixels?: number;
  /** Size of the upload; default 10 MiB. */
  maxBytes?: number;
}

export interface QrDecodeResult {
  /** Every distinct QR text found, in the order zxing reports them; empty when there is none. */
  texts: string[];
}

export interface QrDecoderDeps {
  /**
   * Longest side, in pixels, of the plain decoding attempts. The first is the everyday size and always runs
   * first; the others (a smaller one helps big blurry codes; a bigger one small codes in big photos) run among
   * the retries of `attempts`, only while nothing was found. Sizes above the photo's own are skipped (a plain
   * attempt never enlarges). Default [2000, 1000, 3200].
   */
  scales?: number[];
  /**
   * The retries after the first size found nothing, in order; each runs only when every earlier one found
   * nothing, so a photo read at once costs one pass. Default `QR_RETRIES`.
   */
  retries?: QrAttempt[];
  failOn?: FailOnOptions;
  timeoutSeconds?: number;
  /** Path of zxing_reader.wasm; default the copy in node_modules. */
  wasmPath?: string;
}

export interface QrDecoder {
  decode(bytes: Buffer, opts?: QrDecodeOptions): Promise<QrDecodeResult>;
  /** Instantiates the decoder ahead of the first photo (e.g. at start-up, to fail fast). */
  ready(): Promise<void>;
  /** The pixels one attempt hands the decoder, for benchmarks against other decoders. */
  pixels(bytes: Buffer, opts?: QrDecodeOptions & { maxSide?: number }): Promise<RgbaImage>;
}

/** One decoding attempt: the pixels at a size, treated, read with one of zxing's binarizers. */
export interface QrAttempt {
  /** Longest side; `"scale:<i>"` names the i-th of `scales`. */
  side: number | `scale:${number}`;
  treatment?: PixelTreatment;
  binarizer?: ReaderOptions["binarizer"];
  /** Run only when the photo's longest side is under this (enlarging a big photo helps nothing). */
  onlyUnder?: number;
}

/**
 * The retries, measured on the bench's hard classes (test/bench/qr-decode.ts): a thumbnail or a small blurred
 * code is read once enlarged to ~2000 px and sharpened; a heavily or motion-blurred one once shrunk (the blur
 * then spans fewer pixels); a faded or glared one once its levels are stretched, or with the global-histogram
 * binarizer, which copes with a large bright patch better than the local one. Cheap attempts first.
 */
export const QR_RETRIES: QrAttempt[] = [
  { side: 2000, treatment: { enlarge: true, sharpen: { sigma: 3, m1: 2, m2: 8 } }, onlyUnder: 1000 },
  { side: 640 },
  { side: "scale:1" },
  { side: "scale:0", treatment: { sharpen: { sigma: 1.5, m1: 3, m2: 10 } } },
  { side: "scale:0", treatment: { sharpen: { sigma: 3, m1: 2, m2: 8 } } },
  { side: "scale:0", treatment: { normalise: true } },
  { side: 1000, binarizer: "GlobalHistogram" },
  { side: "scale:2" },
];

export const QR_DECODE_DEFAULTS = {
  maxPixels: 40_000_000,
  maxBytes: 10 * 1024 * 1024,
  scales: [2000, 1000, 3200],
  failOn: "error",
  timeoutSeconds: 15,
} as const;

/** The zxing reader options of every attempt (exported for benchmarks that compare one pass). */
export const QR_READER_OPTIONS: ReaderOptions = {
  formats: ["QRCode"],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 16,
};

/**
 * Reads QR codes from untrusted photos. Limits are checked on the header before any pixel is decoded;
 * the WebAssembly decoder is instantiated on first use and kept for the decoder's lifetime.
 */
export function createQrDecoder(deps: QrDecoderDeps = {}): QrDecoder {
  const scales = deps.scales ?? QR_DECODE_DEFAULTS.scales;
  if (scales.length === 0 || scales.some((s) => !Number.isInteger(s) || s < 64)) {
    throw new RangeError("scales must be integers ≥ 64");
  }
  const retries = deps.retries ?? QR_RETRIES;
  const reader: ZxingReader = createZxingReader(deps.wasmPath);

  function limitsFor(opts: QrDecodeOptions): ImageLimits {
    return {
      maxBytes: opts.maxBytes ?? QR_DECODE_DEFAULTS.maxBytes,
      maxPixels: opts.maxPixels ?? QR_DECODE_DEFAULTS.maxPixels,
      failOn: deps.failOn ?? QR_DECODE_DEFAULTS.failOn,
      timeoutSeconds: deps.timeoutSeconds ?? QR_DECODE_DEFAULTS.timeoutSeconds,
    };
  }

  return {
    ready: () => reader.ready(),

    async pixels(bytes, opts = {}) {
      const limits = limitsFor(opts);
      await checkImage(bytes, limits);
      return toRgba(bytes, limits, opts.maxSide ?? scales[0]!);
    },

    async decode(bytes, opts = {}) {
      const limits = limitsFor(opts);
      const image = await checkImage(bytes, limits);
      const longest = Math.max(image.width, image.height);
      const tried = new Set<string>();
      const plan: QrAttempt[] = [{ side: "scale:0" }, ...retries];
      for (const attempt of plan) {
        if (attempt.onlyUnder !== undefined && longest >= attempt.onlyUnder) continue;
        const wanted =
          typeof attempt.side === "number" ? attempt.side : scales[Number(attempt.side.slice(6))];
        if (wanted === undefined) continue;
        const side = attempt.treatment?.enlarge ? wanted : Math.min(wanted, longest);
        const key = JSON.stringify([side, attempt.treatment ?? {}, attempt.binarizer ?? ""]);
        if (tried.has(key)) continue;
        tried.add(key);
        const rgba = await toRgba(bytes, limits, side, attempt.treatment);
        const options = attempt.binarizer
          ? { ...QR_READER_OPTIONS, binarizer: attempt.binarizer }
          : QR_READER_OPTIONS;
        const results = await reader.read(rgba, options);
        const texts = [...new Set(results.filter((r) => r.isValid && r.text !== "").map((r) => r.text))];
        if (texts.length > 0) return { texts };
      }
      return { texts: [] };
    },
  };
}
