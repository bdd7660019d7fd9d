import { PREFETCH_MAX_BYTES } from "../../core/prefetch.js";
import type { FileSource, Input } from "../../core/types.js";
import type { QrDecoderPool } from "./decode-pool.js";

/** Image types the decoder reads (sharp's JPEG, PNG and WebP), whether sent as a photo or as a file. */
const DECODABLE = /^image\/(jpeg|png|webp)$/;

export const isDecodableImage = (mimeType: string | undefined) =>
  mimeType !== undefined && DECODABLE.test(mimeType);

/** The picture in an input that may hold a QR: a photo, or an image sent as a file (Telegram's "file"). */
export function qrImageOf(input: Input): { fileRef: string; size?: number } | null {
  if (input.kind === "photo") return { fileRef: input.fileRef, size: input.size };
  if (input.kind === "document" && isDecodableImage(input.mimeType))
    return { fileRef: input.fileRef, size: input.size };
  return null;
}

/**
 * The engine's `beforeTransaction`: a picture is downloaded (the prefetched source answers from memory) and
 * decoded in the pool before the update's transaction opens, so no decode holds a database lock; the effect
 * that reads it later gets the prepared result.
 */
export function decodeAhead(pool: Pick<QrDecoderPool, "prepare">) {
  return async (input: Input, files: FileSource | undefined): Promise<void> => {
    const file = qrImageOf(input);
    if (!file || !files) return;
    const bytes = await files.fetch(file.fileRef, PREFETCH_MAX_BYTES).catch(() => undefined);
    if (bytes) await pool.prepare(bytes);
  };
}
