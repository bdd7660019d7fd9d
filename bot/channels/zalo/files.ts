import { type FileSource, FileTooLargeError } from "../../core/types.js";

/** Photos and files people send are downloaded from Zalo's CDN; nothing bigger than this is read. */
export const ZALO_DOWNLOAD_MAX_BYTES = 10 * 1024 * 1024;

export interface ZaloFilesOptions {
  fetch?: typeof fetch;
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * The engine's FileSource for Zalo: a fileRef is the attachment URL of the event. The size is checked
 * against the declared length before reading and against the bytes counted while reading, so a lying or
 * missing Content-Length cannot make it hold more than the limit.
 */
export function createZaloFiles(opts: ZaloFilesOptions = {}): FileSource {
  const doFetch = opts.fetch ?? fetch;
  return {
    async fetch(fileRef, maxBytes) {
      const limit = Math.min(maxBytes, opts.maxBytes ?? ZALO_DOWNLOAD_MAX_BYTES);
      const url = new URL(fileRef);
      if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new Error(`not a web URL: ${url.protocol}`);
      const res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new Error(`download failed: HTTP ${res.status}`);
      }
      const declared = Number(res.headers.get("content-length") ?? Number.NaN);
      if (declared > limit) {
        await res.body.cancel();
        throw new FileTooLargeError(declared, limit);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      // Leaving the loop early cancels the stream: the rest is never downloaded.
      for await (const chunk of res.body) {
        total += chunk.byteLength;
        if (total > limit) throw new FileTooLargeError(total, limit);
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    },
  };
}
