import { Worker } from "node:worker_threads";
import {
  ImageTooLargeError,
  QR_DECODE_DEFAULTS,
  type QrDecodeOptions,
  type QrDecodeResult,
  type QrDecoder,
  type RgbaImage,
  UnreadableImageError,
} from "./decode.js";
import type { DecodeAnswer, DecodeJob } from "./decode-worker-main.js";

/** Too many photos are being decoded or waiting: the person is asked to send it again shortly. */
export class DecoderBusyError extends Error {
  override readonly name = "DecoderBusyError";
}

export interface QrDecoderPoolOptions {
  /** Worker threads decoding at once. */
  workers: number;
  /** Photos waiting for a worker, beyond those being decoded. */
  queue: number;
  /** Pixels (width × height, from the header) decoding or waiting at once, in all. */
  maxPixels: number;
  /**
   * Told of each decode started: `prepared` ahead of the transaction, or `unprepared` when an effect asked
   * for one nobody prepared (it then runs while the effect waits, inside the transaction). Counted in /metrics.
   */
  onDecode?: (when: "prepared" | "unprepared") => void;
  /** The decoder that `pixels()` and `ready()` use in this thread (benchmarks). */
  local?: QrDecoder;
}

export interface QrDecoderPool extends QrDecoder {
  /**
   * Starts decoding a photo ahead of the update's transaction; the effect's `decode` of the same buffer then
   * gets this result (or its error) without waiting again.
   */
  prepare(bytes: Buffer, opts?: QrDecodeOptions): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  job: DecodeJob;
  pixels: number;
  resolve: (r: QrDecodeResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
}

const WORKER_URL = new URL("./decode-worker.mjs", import.meta.url);

/**
 * Decodes photos in a few worker threads, so the event loop stays free, wrapping the same QrDecoder the
 * features use. Admission is bounded twice: by the queue's length and by the pixels in work, read from
 * the header before any pixel is decoded; beyond either, `decode` fails at once with DecoderBusyError.
 */
export function createQrDecoderPool(opts: QrDecoderPoolOptions): QrDecoderPool {
  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  const prepared = new WeakMap<Buffer, Promise<QrDecodeResult>>();
  let pixelsInWork = 0;
  let nextId = 1;
  let closed = false;
  /** Headers are read one after another, so photos are admitted in the order they came. */
  let admission: Promise<unknown> = Promise.resolve();

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_URL) };
    slot.worker.on("message", (msg: DecodeAnswer | { ready: true }) => {
      if ("ready" in msg) return;
      const p = slot.busy;
      if (!p || p.job.id !== msg.id) return;
      slot.busy = undefined;
      finish(p);
      if ("texts" in msg) p.resolve({ texts: msg.texts });
      else p.reject(revive(msg.error));
      pump();
    });
    // A worker that died (out of memory, a native crash) fails its photo and is replaced.
    const lost = (err: Error) => {
      const p = slot.busy;
      slot.busy = undefined;
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (p) {
        finish(p);
        p.reject(new UnreadableImageError(`decoder stopped: ${err.message}`));
      }
      if (!closed) slots.push(spawn());
      pump();
    };
    slot.worker.once("error", lost);
    slot.worker.once("exit", (code) => {
      if (!closed) lost(new Error(`exit ${code}`));
    });
    slot.worker.unref();
    return slot;
  };

  const finish = (p: Pending) => {
    pixelsInWork -= p.pixels;
  };

  const pump = () => {
    for (const slot of slots) {
      if (slot.busy) continue;
      const p = waiting.shift();
      if (!p) return;
      slot.busy = p;
      slot.worker.ref();
      slot.worker.postMessage(p.job);
    }
    for (const slot of slots) if (!slot.busy) slot.worker.unref();
  };

  const ensureWorkers = () => {
    while (slots.length < Math.max(1, opts.workers)) slots.push(spawn());
  };

  async function headerPixels(bytes: Buffer): Promise<number> {
    try {
      // sharp (libvips) is loaded with the first photo, not at start.
      const { default: sharp } = await import("sharp");
      const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
      return (meta.width ?? 0) * (meta.height ?? 0);
    } catch {
      return 0; // unreadable: the worker says so, at no cost
    }
  }

  async function run(bytes: Buffer, o: QrDecodeOptions): Promise<QrDecodeResult> {
    if (closed) throw new Error("the decoder pool is closed");
    const maxPixels = o.maxPixels ?? QR_DECODE_DEFAULTS.maxPixels;
    // Over the per-image limit: refused by the worker anyway, so it costs nothing in the budget.
    const header = admission.then(() => headerPixels(bytes));
    admission = header.catch(() => {});
    const pixels = Math.min(await header, maxPixels + 1);
    const charged = pixels > maxPixels ? 0 : pixels;
    const inWork = slots.filter((s) => s.busy).length;
    const full = inWork >= Math.max(1, opts.workers) && waiting.length >= opts.queue;
    if (full || (charged > 0 && pixelsInWork > 0 && pixelsInWork + charged > opts.maxPixels)) {
      throw new DecoderBusyError("too many photos being decoded");
    }
    ensureWorkers();
    pixelsInWork += charged;
    return new Promise<QrDecodeResult>((resolve, reject) => {
      const job: DecodeJob = { id: nextId++, bytes, opts: o };
      waiting.push({ job, pixels: charged, resolve, reject });
      pump();
    });
  }

  const decode = (bytes: Buffer, o: QrDecodeOptions = {}): Promise<QrDecodeResult> => {
    const early = prepared.get(bytes);
    if (early) {
      prepared.delete(bytes);
      return early;
    }
    opts.onDecode?.("unprepared");
    return run(bytes, o);
  };

  return {
    decode,
    async prepare(bytes, o = {}) {
      opts.onDecode?.("prepared");
      const p = run(bytes, o);
      prepared.set(bytes, p);
      await p.catch(() => {});
    },
    ready: async () => {
      ensureWorkers();
      await opts.local?.ready();
    },
    pixels: (bytes: Buffer, o?: QrDecodeOptions & { maxSide?: number }): Promise<RgbaImage> => {
      if (!opts.local) throw new Error("no local decoder for pixels()");
      return opts.local.pixels(bytes, o);
    },
    async close() {
      closed = true;
      for (const p of waiting.splice(0)) p.reject(new Error("the decoder pool is closed"));
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}

function revive(e: { name: string; message: string; limit?: ImageTooLargeError["limit"] }): Error {
  if (e.name === "ImageTooLargeError" && e.limit) return new ImageTooLargeError(e.message, e.limit);
  if (e.name === "UnreadableImageError") return new UnreadableImageError(e.message);
  return new Error(e.message);
}
