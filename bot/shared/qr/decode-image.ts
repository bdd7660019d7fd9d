import type { FailOnOptions, Metadata } from "sharp";
import { classifySharpError, ImageTooLargeError, UnreadableImageError } from "./decode-errors.js";

/** Formats a chat photo or document can sensibly be; SVG, TIFF, GIF, PDF… are refused before decoding. */
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp"]);

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  /**
   * 'error' rather than sharp's default 'warning': phone JPEGs often carry harmless libjpeg warnings
   * (extraneous bytes before a marker), while corrupt or truncated data is still refused.
   */
  failOn: FailOnOptions;
  /** libvips gives up on one pipeline after this long; a safety net, not a budget. */
  timeoutSeconds: number;
}

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface CheckedImage {
  format: string;
  /** Size after EXIF orientation, before any downscaling. */
  width: number;
  height: number;
}

/** Reads only the header: size and format checks happen before a single pixel is decoded. */
export async function checkImage(bytes: Buffer, limits: ImageLimits): Promise<CheckedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new ImageTooLargeError(`image is ${bytes.length} bytes, over ${limits.maxBytes}`, {
      kind: "bytes",
      max: limits.maxBytes,
      actual: bytes.length,
    });
  }
  if (bytes.length === 0) throw new UnreadableImageError("empty input");
  let meta: Metadata;
  // sharp (libvips) is loaded with the first photo, not at start.
  const { default: sharp } = await import("sharp");
  try {
    // metadata() parses the header only; the pixel limit is applied below so the error can say how big.
    meta = await sharp(bytes, { failOn: limits.failOn, limitInputPixels: false }).metadata();
  } catch (error) {
    throw classifySharpError(error, limits.maxPixels);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new UnreadableImageError(`unsupported image format: ${meta.format ?? "unknown"}`);
  }
  const { width, height } = meta;
  if (!width || !height) throw new UnreadableImageError("image has no dimensions");
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    throw new ImageTooLargeError(`image is ${width}×${height}, over ${limits.maxPixels} pixels`, {
      kind: "pixels",
      max: limits.maxPixels,
      actual: pixels,
    });
  }
  const swapped = (meta.orientation ?? 1) >= 5;
  return { format: meta.format, width: swapped ? height : width, height: swapped ? width : height };
}

/**
 * Decodes, rotates upright by EXIF, flattens transparency onto white (a black-on-transparent QR
 * would otherwise read as all black), and shrinks so the longest side is at most maxSide.
 * JPEG shrink-on-load makes the downscale cheap: big photos are never decoded at full size.
 */
/** What an attempt does to the pixels besides the size: sharpen (blur), stretch the levels (low contrast). */
export interface PixelTreatment {
  /** Enlarge to maxSide when the photo is smaller (a thumbnail, a small code): never by default. */
  enlarge?: boolean;
  /** Unsharp mask: sigma, and how hard flat (m1) and jagged (m2) areas are sharpened (sharp's defaults 1, 2). */
  sharpen?: { sigma: number; m1?: number; m2?: number };
  /** Stretch the levels to the full range. */
  normalise?: boolean;
}

export async function toRgba(
  bytes: Buffer,
  limits: ImageLimits,
  maxSide: number,
  treatment: PixelTreatment = {},
): Promise<RgbaImage> {
  const { default: sharp } = await import("sharp");
  try {
    let pipeline = sharp(bytes, {
      failOn: limits.failOn,
      limitInputPixels: limits.maxPixels,
      autoOrient: true,
    })
      .timeout({ seconds: limits.timeoutSeconds })
      .resize({
        width: maxSide,
        height: maxSide,
        fit: "inside",
        withoutEnlargement: !treatment.enlarge,
        // Enlarged pixels keep their edges with lanczos; a bilinear enlargement would blur them further.
        kernel: "lanczos3",
      })
      .flatten({ background: "#ffffff" });
    if (treatment.normalise) pipeline = pipeline.normalise();
    if (treatment.sharpen) pipeline = pipeline.sharpen(treatment.sharpen);
    const { data, info } = await pipeline
      .toColourspace("srgb")
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`expected RGBA, got ${info.channels} channels`);
    return {
      data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    throw classifySharpError(error, limits.maxPixels);
  }
}
