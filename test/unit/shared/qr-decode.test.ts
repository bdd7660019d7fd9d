import { createDeflate } from "node:zlib";
import QRCode from "qrcode";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prepareZXingModule, purgeZXingModule } from "zxing-wasm/reader";
import {
  createQrDecoder,
  ImageTooLargeError,
  type QrDecoder,
  UnreadableImageError,
} from "../../../bot/shared/qr/decode.js";
import { photo, posterPhoto, qrCard } from "../../support/qr-photos.js";

const URL_A = "https://t.me/some_bot?start=cp_Ab3dEf6hJk9mNp2q";
const URL_B = "https://t.me/some_bot?start=cp_Zz8yXw7vUt6sRq5p";

/** A real decompression bomb: a valid 30000×30000 1-bit PNG whose zeros deflate to ~100 KB. */
async function bombPng(side = 30_000): Promise<Buffer> {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const byte of buf) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale
  // Rows are a filter byte plus packed pixels, all zero; written 1000 rows at a time.
  const block = Buffer.alloc(1000 * (1 + Math.ceil(side / 8)));
  const deflate = createDeflate({ level: 6 });
  const parts: Buffer[] = [];
  deflate.on("data", (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => deflate.on("end", resolve));
  for (let y = 0; y < side; y += 1000)
    deflate.write(block.subarray(0, Math.min(1000, side - y) * (block.length / 1000)));
  deflate.end();
  await done;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", Buffer.concat(parts)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("loading zxing-wasm", () => {
  const fetchCalls: unknown[] = [];

  beforeAll(() => {
    vi.stubGlobal("fetch", (...args: unknown[]) => {
      fetchCalls.push(args[0]);
      throw new Error("network disabled in this test");
    });
  });
  afterAll(() => vi.unstubAllGlobals());

  it("instantiates from node_modules without touching the network", async () => {
    const decoder = createQrDecoder();
    await decoder.ready();
    const png = await QRCode.toBuffer(URL_A, { width: 300 });
    expect(await decoder.decode(png)).toEqual({ texts: [URL_A] });
    expect(fetchCalls).toEqual([]);
  });

  it("would have fetched with zxing-wasm's own defaults (so the stub above is a real trap)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    purgeZXingModule();
    await expect(prepareZXingModule({ fireImmediately: true })).rejects.toThrow();
    expect(String(fetchCalls[0])).toMatch(/^https:\/\/.*zxing_reader\.wasm$/);
    vi.mocked(console.error).mockRestore();
    // A decoder re-asserts its own module, so a stray default elsewhere cannot send it to the CDN.
    fetchCalls.length = 0;
    const png = await QRCode.toBuffer(URL_B, { width: 300 });
    expect(await createQrDecoder().decode(png)).toEqual({ texts: [URL_B] });
    expect(fetchCalls).toEqual([]);
  });
});

describe("decodeQr", () => {
  let decoder: QrDecoder;
  beforeAll(async () => {
    decoder = createQrDecoder();
    await decoder.ready();
  });

  it.each([
    { name: "upright, sharp", rotate: 0, shear: 0, blur: 0, quality: 85, qrFraction: 0.4 },
    { name: "tilted 25°, blurred, JPEG 50", rotate: 25, shear: 0, blur: 1.5, quality: 50, qrFraction: 0.35 },
    { name: "sideways and sheared", rotate: 90, shear: 0.25, blur: 0.8, quality: 70, qrFraction: 0.3 },
    { name: "upside down, small in frame", rotate: 180, shear: 0, blur: 0.5, quality: 75, qrFraction: 0.18 },
  ])("reads a poster photo: $name", async (v) => {
    const bytes = await posterPhoto({ ...v, text: URL_A, width: 1280, height: 960, grain: 6, seed: 11 });
    expect(await decoder.decode(bytes)).toEqual({ texts: [URL_A] });
  });

  // Two photos of the bench's hard classes (test/bench/qr-decode.ts) that one pass at the photo's own size misses.
  it.each([
    {
      name: "a 320 px thumbnail",
      text: "https://t.me/some_bot?start=cp_FCgFnqsiQtQ3YtXf",
      v: { width: 240, height: 320, qrFraction: 0.3309766556601971, rotate: -13, shear: 0.13172503504902128 },
      rest: { blur: 0.9394073938485235, quality: 56, grain: 4.040520881302655, seed: 6 },
    },
    {
      name: "a small code in a blurred 800 px photo",
      text: "https://t.me/some_bot?start=cp_rmiNqJsSEqwdcfwb",
      v: { width: 800, height: 600, qrFraction: 0.15133745519910008, rotate: -2, shear: 0 },
      rest: { blur: 1.6527618144406007, quality: 61, grain: 5.801112557761371, seed: 4 },
    },
  ])("reads $name only by the retries, which one pass misses", async ({ text, v, rest }) => {
    const bytes = await posterPhoto({ ...v, ...rest, text });
    expect(await createQrDecoder({ retries: [] }).decode(bytes)).toEqual({ texts: [] });
    expect(await decoder.decode(bytes)).toEqual({ texts: [text] });
  });

  it("reads a camera photo bigger than the working size by downscaling it first", async () => {
    const bytes = await posterPhoto({
      text: URL_A,
      width: 2800,
      height: 2100,
      qrFraction: 0.2,
      rotate: -12,
      shear: 0,
      blur: 1,
      quality: 80,
      grain: 6,
      seed: 5,
    });
    const pixels = await decoder.pixels(bytes);
    expect(Math.max(pixels.width, pixels.height)).toBe(2000);
    expect(await decoder.decode(bytes)).toEqual({ texts: [URL_A] });
  });

  it("reads plain, transparent, greyscale and WebP QR images", async () => {
    const plain = await QRCode.toBuffer(URL_A, { width: 240 });
    const transparent = await QRCode.toBuffer(URL_A, { width: 240, color: { light: "#0000" } });
    const grey = await sharp(plain).removeAlpha().toColourspace("b-w").png().toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const webp = await sharp(plain).webp({ quality: 80 }).toBuffer();
    for (const bytes of [plain, transparent, grey, webp]) {
      expect(await decoder.decode(bytes)).toEqual({ texts: [URL_A] });
    }
  });

  it("turns photos upright by their EXIF orientation", async () => {
    const sideways = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#fff" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const pixels = await decoder.pixels(sideways);
    expect([pixels.width, pixels.height]).toEqual([200, 300]);
    expect(pixels.data.length).toBe(200 * 300 * 4);
  });

  it("finds both codes when a photo holds two", async () => {
    const a = await qrCard({ text: URL_A, qrPx: 360, caption: "Cổng A", rotate: 8 });
    const b = await qrCard({ text: URL_B, qrPx: 360, caption: "Cổng B", rotate: -15 });
    const bytes = await photo({
      width: 1280,
      height: 960,
      cards: [
        { image: a, left: 60, top: 200 },
        { image: b, left: 700, top: 260 },
      ],
      blur: 0.6,
      quality: 75,
      seed: 3,
    });
    expect((await decoder.decode(bytes)).texts.sort()).toEqual([URL_A, URL_B].sort());
  });

  it("reports the same code twice once", async () => {
    const card = await qrCard({ text: URL_A, qrPx: 300 });
    const cards = [
      { image: card, left: 40, top: 40 },
      { image: card, left: 600, top: 300 },
    ];
    const bytes = await photo({ width: 1280, height: 960, cards, quality: 85, seed: 4 });
    expect(await decoder.decode(bytes)).toEqual({ texts: [URL_A] });
  });

  it("returns no texts for a photo without a QR code", async () => {
    const bytes = await photo({ width: 1280, height: 960, cards: [], blur: 0.5, quality: 70, seed: 9 });
    expect(await decoder.decode(bytes)).toEqual({ texts: [] });
  });

  it.each([
    ["text", Buffer.from("definitely not an image, just a message")],
    ["an empty buffer", Buffer.alloc(0)],
    ["an SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')],
  ])("refuses %s as unreadable", async (_name, bytes) => {
    await expect(decoder.decode(bytes)).rejects.toBeInstanceOf(UnreadableImageError);
  });

  it("refuses truncated and corrupt images as unreadable", async () => {
    const jpeg = await photo({ width: 640, height: 480, cards: [], quality: 80, seed: 2 });
    const png = await QRCode.toBuffer(URL_A, { width: 300 });
    const gif = await sharp(png).gif().toBuffer();
    const badCrc = Buffer.from(png);
    badCrc[png.indexOf("IDAT") + 20]! ^= 0xff;
    for (const bytes of [jpeg.subarray(0, jpeg.length / 2), png.subarray(0, png.length - 40), badCrc, gif]) {
      await expect(decoder.decode(bytes)).rejects.toBeInstanceOf(UnreadableImageError);
    }
  });

  it("refuses uploads over the byte limit before reading them", async () => {
    const png = await QRCode.toBuffer(URL_A, { width: 300 });
    const error = await decoder.decode(png, { maxBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ limit: { kind: "bytes", max: 100, actual: png.length } });
  });

  it("refuses a decompression bomb from its header, without allocating its pixels", async () => {
    const bomb = await bombPng();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const error = await decoder.decode(bomb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toMatchObject({ limit: { kind: "pixels", max: 40_000_000, actual: 900_000_000 } });
    // Decoding would need ≥ 900 MB even as 1-byte greyscale (3.6 GB as RGBA).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  });

  it("applies a caller's pixel limit", async () => {
    const png = await QRCode.toBuffer(URL_A, { width: 1200 });
    await expect(decoder.decode(png, { maxPixels: 1_000_000 })).rejects.toBeInstanceOf(ImageTooLargeError);
    expect(await decoder.decode(png, { maxPixels: 2_000_000 })).toEqual({ texts: [URL_A] });
  });

  it("rejects nonsense scales", () => {
    expect(() => createQrDecoder({ scales: [] })).toThrow(RangeError);
    expect(() => createQrDecoder({ scales: [10] })).toThrow(RangeError);
  });
});
