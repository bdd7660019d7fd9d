import sharp from "sharp";
import { describe, expect, test } from "vitest";
import {
  POSTER_PNG_WIDTH,
  type PosterInput,
  renderPosterPdf,
  renderPosterPng,
  renderPostersPdf,
} from "../../../bot/render/poster.js";
import { decodeQrPng, embeddedFontNames, pdfPageTexts, squash } from "../render/support.js";

const poster: PosterInput = {
  url: "https://t.me/KhaiBaoYTeBot?start=cp_K7P2QX",
  name: "Nhà thuốc Hồng Phúc – Chi nhánh Quận 3",
  address: "123 Nguyễn Đình Chiểu, Phường Võ Thị Sáu, Quận 3, TP. Hồ Chí Minh",
  shortCode: "K7P2QX",
  heading: "Quét mã QR để khai báo y tế khi vào cửa",
  instructions: [
    "Mở camera điện thoại hoặc Zalo, quét mã QR ở trên.",
    "Nếu không quét được, mở bot và nhập mã điểm kiểm soát ở trên.",
    "Khi rời đi, bấm nút “Ra về” trong tin nhắn của bot.",
  ],
  footer: "Ả ạ ằ ẳ ẵ ặ ầ ẩ ẫ ậ ề ể ễ ệ ỉ ị ồ ổ ỗ ộ ờ ở ỡ ợ ừ ử ữ ự ỳ ỷ ỹ ỵ đ Đ ơ ư",
};

function expectPosterText(page: string, p: PosterInput): void {
  const text = squash(page);
  for (const s of [p.heading, p.name, p.address, ...p.instructions, p.footer ?? ""]) {
    expect(text).toContain(squash(s.normalize("NFC")));
  }
  // The code is letter-spaced, so the extractor may put spaces between its characters.
  expect(text.replace(/\s/g, "")).toContain(p.shortCode);
}

describe("renderPosterPng", () => {
  test("an A4 page at 150 dpi whose QR decodes to the deep link, large and sharp", async () => {
    const png = await renderPosterPng(poster);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", POSTER_PNG_WIDTH, 1754]);
    const qr = await decodeQrPng(png);
    expect(qr?.text).toBe(poster.url);
    expect(qr!.modulePx).toBeGreaterThanOrEqual(4);
    // Modules plus quiet zone take about 60 % of the page width.
    const modules = 17 + 4 * qr!.version;
    expect(((modules + 8) * qr!.modulePx) / POSTER_PNG_WIDTH).toBeGreaterThan(0.55);
  });

  test("long texts shrink the layout but the QR still decodes", async () => {
    const long: PosterInput = {
      ...poster,
      url: `${poster.url}${"x".repeat(150)}`,
      name: "Trung tâm Y tế quận Hoàn Kiếm – Điểm tiêm chủng và xét nghiệm lưu động số 12, phố Hàng Bạc",
      instructions: Array.from(
        { length: 7 },
        (_, i) => `${i + 1}. ${poster.instructions[i % 3]} ${poster.address}`,
      ),
    };
    const qr = await decodeQrPng(await renderPosterPng(long));
    expect(qr?.text).toBe(long.url);
    expect(qr!.modulePx).toBeGreaterThanOrEqual(4);
  });
});

describe("renderPosterPdf", () => {
  test("holds every string with its diacritics and embeds Be Vietnam Pro", async () => {
    const pdf = await renderPosterPdf({ ...poster, name: poster.name.normalize("NFD") });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = await pdfPageTexts(pdf);
    expect(pages).toHaveLength(1);
    expectPosterText(pages[0]!, poster);
    expect(embeddedFontNames(pdf)).toEqual(["BeVietnamPro-Bold", "BeVietnamPro-Regular"]);
  });

  test("renderPostersPdf puts one poster on each page", async () => {
    const second = { ...poster, name: "Trạm Y tế phường Đống Đa", shortCode: "Q9W4ZD", footer: undefined };
    const pages = await pdfPageTexts(await renderPostersPdf([poster, second]));
    expect(pages).toHaveLength(2);
    expectPosterText(pages[0]!, poster);
    expectPosterText(pages[1]!, second);
    expect(pages[0]).not.toContain(second.name);
    await expect(renderPostersPdf([])).rejects.toThrow(RangeError);
  });
});
