import QRCode from "qrcode";
import { afterAll, describe, expect, it } from "vitest";
import { UnreadableImageError } from "../../../bot/shared/qr/decode.js";
import { createQrDecoderPool, DecoderBusyError } from "../../../bot/shared/qr/decode-pool.js";

describe("the photo decoding pool", () => {
  const pool = createQrDecoderPool({ workers: 1, queue: 0, maxPixels: 1_000_000 });
  afterAll(() => pool.close());

  it("decodes in a worker, reuses a decode prepared ahead, and revives the decoder's errors", async () => {
    const png = await QRCode.toBuffer("pool one", { width: 400 });
    expect((await pool.decode(png)).texts).toEqual(["pool one"]);
    const other = await QRCode.toBuffer("pool two", { width: 400 });
    await pool.prepare(other);
    expect((await pool.decode(other)).texts).toEqual(["pool two"]);
    await expect(pool.decode(Buffer.from("not an image"))).rejects.toBeInstanceOf(UnreadableImageError);
  }, 20_000);

  it("refuses at once what is beyond its queue or its pixel budget", async () => {
    const a = await QRCode.toBuffer("a", { width: 600 });
    const b = await QRCode.toBuffer("b", { width: 600 });
    const first = pool.decode(a);
    await expect(pool.decode(b)).rejects.toBeInstanceOf(DecoderBusyError); // queue 0, one in work
    expect((await first).texts).toEqual(["a"]);
    expect((await pool.decode(b)).texts).toEqual(["b"]); // free again

    // Room in the queue, but 600 × 600 twice is over a budget of 500 000 pixels.
    const budget = createQrDecoderPool({ workers: 1, queue: 10, maxPixels: 500_000 });
    try {
      const one = budget.decode(a);
      await expect(budget.decode(b)).rejects.toBeInstanceOf(DecoderBusyError);
      expect((await one).texts).toEqual(["a"]);
    } finally {
      await budget.close();
    }
  }, 30_000);
});
