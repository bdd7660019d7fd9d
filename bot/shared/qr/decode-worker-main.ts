import { parentPort } from "node:worker_threads";
import { createQrDecoder, ImageTooLargeError, type QrDecodeOptions } from "./decode.js";

/** One photo to decode, and how the answer is sent back. */
export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  opts: QrDecodeOptions;
}

export type DecodeAnswer =
  | { id: number; texts: string[] }
  | { id: number; error: { name: string; message: string; limit?: ImageTooLargeError["limit"] } };

const decoder = createQrDecoder();
parentPort?.on("message", async (job: DecodeJob) => {
  try {
    const { texts } = await decoder.decode(
      Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength),
      job.opts,
    );
    parentPort?.postMessage({ id: job.id, texts } satisfies DecodeAnswer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const limit = e instanceof ImageTooLargeError ? e.limit : undefined;
    parentPort?.postMessage({
      id: job.id,
      error: { name: e.name, message: e.message, limit },
    } satisfies DecodeAnswer);
  }
});
parentPort?.postMessage({ ready: true });
