import type { FailOnOptions } from "sharp";
import type { ReaderOptions } from "zxing-wasm/reader";
import { checkImage, type ImageLimits, type RgbaImage, toRgba } from "./decode-image.js";
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
   * Longest side, in pixels, of each decoding attempt, tried in order until one finds a code. The first
   * is the everyday size; a smaller one helps big blurry codes; a bigger one small codes in big photos.
   * Sizes above the photo's own are skipped (never enlarged). Default [2000, 1000, 3200].
   */
  scales?: number[];
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

export const QR_DECODE_DEFAULTS = {
  maxPixels: 40_000_000,
  maxBytes: 10 * 1024 * 1024,
  scales: [2000, 1000, 3200],
  failOn: "error",
  timeoutSeconds: 15,
} as const;

const READER_OPTIONS: ReaderOptions = {
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
      const tried = new Set<number>();
      for (const scale of scales) {
        const side = Math.min(scale, longest);
        if (tried.has(side)) continue;
        tried.add(side);
        const rgba = await toRgba(bytes, limits, side);
        const results = await reader.read(rgba, READER_OPTIONS);
        const texts = [...new Set(results.filter((r) => r.isValid && r.text !== "").map((r) => r.text))];
        if (texts.length > 0) return { texts };
      }
      return { texts: [] };
    },
  };
}
