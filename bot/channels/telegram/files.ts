import type { Api } from "grammy";
import { type FileSource, FileTooLargeError } from "../../core/types.js";

/** Reads a response body, giving up as soon as it passes the limit (a lying Content-Length included). */
export async function readLimited(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new FileTooLargeError(declared, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new FileTooLargeError(total, maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Files people send on Telegram: size checked with getFile before downloading from the configured API root. */
export function telegramFiles(api: Api, opts: { token: string; apiRoot: string }): FileSource {
  return {
    async fetch(fileRef, maxBytes) {
      const file = await api.getFile(fileRef);
      if (file.file_size !== undefined && file.file_size > maxBytes) {
        throw new FileTooLargeError(file.file_size, maxBytes);
      }
      if (!file.file_path) throw new Error("Telegram returned no file_path");
      const res = await fetch(`${opts.apiRoot}/file/bot${opts.token}/${file.file_path}`, {
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`file download failed with HTTP ${res.status}`);
      return readLimited(res, maxBytes);
    },
  };
}
