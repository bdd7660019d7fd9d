import { type FileSource, FileTooLargeError } from "../../core/types.js";
import { ImageTooLargeError, type QrDecoder, UnreadableImageError } from "./decode.js";
import { DecoderBusyError } from "./decode-pool.js";
import { TOKEN_PREFIX } from "./token.js";

export type QrRead =
  | { ok: true; texts: string[] }
  | { ok: false; reason: "tooLarge" | "unreadable" | "busy" };

/**
 * Downloads a photo (refusing anything over `maxBytes` before and while downloading) and reads every QR in
 * it. Limits on pixels are the decoder's.
 */
export async function readQrPhoto(
  decoder: QrDecoder,
  files: FileSource | undefined,
  file: { fileRef: string; size?: number },
  maxBytes: number,
): Promise<QrRead> {
  if (!files) throw new Error("this channel gave no file source");
  if (file.size !== undefined && file.size > maxBytes) return { ok: false, reason: "tooLarge" };
  try {
    const bytes = await files.fetch(file.fileRef, maxBytes);
    return { ok: true, texts: (await decoder.decode(bytes, { maxBytes })).texts };
  } catch (err) {
    if (err instanceof FileTooLargeError || err instanceof ImageTooLargeError)
      return { ok: false, reason: "tooLarge" };
    if (err instanceof UnreadableImageError) return { ok: false, reason: "unreadable" };
    if (err instanceof DecoderBusyError) return { ok: false, reason: "busy" };
    throw err;
  }
}

export const personalTokenIn = (texts: string[]) => texts.find((x) => x.trim().startsWith(TOKEN_PREFIX));
