import QRCode from "qrcode";
import sharp from "sharp";
import { describe, expect, test } from "vitest";
import { fontPath, loadFont } from "../../../bot/render/fonts.js";
import { QR_DEFAULT_SCALE, QR_QUIET_ZONE, renderQrPng } from "../../../bot/render/qr-image.js";
import { decodeQrPng } from "./support.js";

const TOKEN =
  "hd1.eyJzdWIiOiIwMUhWM1pLWTdUQjhRMk5YRjVQQ0dNUzRFUiIsImV4cCI6MTc5NjI1MjgwMH0.c2lnbmF0dXJlLXNhbXBsZQ";

describe("renderQrPng", () => {
  test.each([
    ["a personal QR token", TOKEN],
    ["a checkpoint deep link", "https://t.me/KhaiBaoYTeBot?start=cp_K7P2QX"],
  ])("%s decodes back to the exact text", async (_label, text) => {
    const decoded = await decodeQrPng(await renderQrPng(text));
    expect(decoded?.text).toBe(text);
    expect(decoded!.modulePx).toBeGreaterThanOrEqual(4);
  });

  test("defaults: 8 px per module, a 4-module quiet zone, error correction M", async () => {
    const png = await renderQrPng(TOKEN);
    const { size } = QRCode.create(TOKEN, { errorCorrectionLevel: "M" }).modules;
    const meta = await sharp(png).metadata();
    expect(meta.width).toBe((size + 2 * QR_QUIET_ZONE) * QR_DEFAULT_SCALE);
    expect(meta.height).toBe(meta.width);
    expect((await decodeQrPng(png))!.modulePx).toBeCloseTo(QR_DEFAULT_SCALE, 0);
    // The quiet zone is white all round: the first 4 modules of the top row of pixels carry no black.
    const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data.subarray(0, QR_QUIET_ZONE * QR_DEFAULT_SCALE * meta.width!))).toBe(255);
  });

  test("the smallest allowed scale still decodes; smaller is refused", async () => {
    const decoded = await decodeQrPng(await renderQrPng(TOKEN, { scale: 4 }));
    expect(decoded?.text).toBe(TOKEN);
    expect(decoded!.modulePx).toBeGreaterThanOrEqual(4);
    await expect(renderQrPng(TOKEN, { scale: 3 })).rejects.toThrow(RangeError);
  });

  test("error correction Q gives a denser code that still decodes", async () => {
    const m = await sharp(await renderQrPng(TOKEN)).metadata();
    const q = await renderQrPng(TOKEN, { ecl: "Q" });
    expect((await sharp(q).metadata()).width).toBeGreaterThan(m.width!);
    expect((await decodeQrPng(q))?.text).toBe(TOKEN);
  });
});

describe("fonts", () => {
  const vietnamese = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";

  test.each(["regular", "bold"] as const)(
    "the %s TTF ships in node_modules with every Vietnamese letter",
    (w) => {
      expect(fontPath(w)).toMatch(/node_modules\/@expo-google-fonts\/be-vietnam-pro\/.+\.ttf$/);
      const font = loadFont(w);
      const missing = [...(vietnamese + vietnamese.toUpperCase())].filter(
        (c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!),
      );
      expect(missing).toEqual([]);
    },
  );
});
