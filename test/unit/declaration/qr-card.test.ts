import { describe, expect, test } from "vitest";
import { type QrCard, renderQrCardPdf } from "../../../bot/features/declaration/qr-card.js";
import { embeddedFontNames, pdfPageTexts, squash } from "../render/support.js";

const names = [
  "Nguyễn Thị Hồng Nhung",
  "Trần Văn Đức",
  "Lê Thị Ngọc Ánh",
  "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Yến",
  "Phạm Ỷ Lan",
  "Đặng Hữu Nghị",
  "Vũ Thị Mỹ Dung",
  "Hồ Sỹ Quyết",
  "Bùi Thị Thu Hường",
  "Ngô Quốc Việt",
  "Đỗ Thị Ổn",
  "Lý Tự Trọng",
];
const cards: QrCard[] = names.map((name, i) => ({
  qrText: `hd1.payload${i}.signature`,
  name,
  lines: [`Năm sinh: ${1940 + i}`, "Hiệu lực đến: 03/12/2026"],
}));

describe("renderQrCardPdf", () => {
  test("ten wallet cards per A4 page, each with its name and lines intact", async () => {
    const pdf = await renderQrCardPdf(cards, { title: "Mã QR cá nhân – Khai báo y tế" });
    const pages = (await pdfPageTexts(pdf)).map(squash);
    expect(pages).toHaveLength(2);
    cards.forEach((card, i) => {
      const page = pages[Math.floor(i / 10)]!;
      expect(page).toContain(card.name);
      for (const line of card.lines) expect(page).toContain(line);
    });
    expect(pages[0]).toContain("MÃ QR CÁ NHÂN – KHAI BÁO Y TẾ");
    expect(pages[1]).not.toContain(names[0]);
    expect(embeddedFontNames(pdf)).toEqual(["BeVietnamPro-Bold", "BeVietnamPro-Regular"]);
  });

  test("a name typed with combining marks comes out precomposed", async () => {
    const pdf = await renderQrCardPdf([{ ...cards[0]!, name: "Nguyễn Thị Hồng Nhung".normalize("NFD") }]);
    expect(squash((await pdfPageTexts(pdf))[0]!)).toContain("Nguyễn Thị Hồng Nhung".normalize("NFC"));
  });

  test("refuses an empty list", async () => {
    await expect(renderQrCardPdf([])).rejects.toThrow(RangeError);
  });
});
