/** The upload is over the byte or pixel budget; the pixels were never allocated. */
export class ImageTooLargeError extends Error {
  override readonly name = "ImageTooLargeError";
  constructor(
    message: string,
    readonly limit: { kind: "bytes" | "pixels"; max: number; actual?: number },
  ) {
    super(message);
  }
}

/** Not an image we accept (JPEG, PNG, WebP), or one whose data is corrupt or truncated. */
export class UnreadableImageError extends Error {
  override readonly name = "UnreadableImageError";
}

/**
 * Maps a sharp/libvips failure to our typed errors. The input is the only untrusted part of the
 * pipeline, so any libvips failure (unknown format, bad CRC, truncation, a loader's own wording) means
 * an unreadable image; sharp's "Expected … for …" parameter errors are our bugs and are rethrown.
 */
export function classifySharpError(error: unknown, maxPixels: number): Error {
  if (error instanceof ImageTooLargeError || error instanceof UnreadableImageError) return error;
  if (!(error instanceof Error)) return new UnreadableImageError(String(error));
  if (/exceeds pixel limit/i.test(error.message)) {
    return new ImageTooLargeError(`image exceeds ${maxPixels} pixels`, { kind: "pixels", max: maxPixels });
  }
  if (/^Expected /.test(error.message)) return error;
  return new UnreadableImageError(error.message, { cause: error });
}
