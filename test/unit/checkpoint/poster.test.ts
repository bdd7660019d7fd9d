import { describe, expect, it } from "vitest";
import {
  type Checkpoint,
  checkpointCodeInQr,
  newCode,
} from "../../../bot/features/checkpoint/checkpoints.js";
import { checkpointLink, initials, posterInput } from "../../../bot/features/checkpoint/replies.js";
import { renderPosterPdf, renderPosterPng } from "../../../bot/render/poster.js";
import { createLinks } from "../../../bot/shared/links.js";
import { createQrDecoder } from "../../../bot/shared/qr/decode.js";
import { i18n } from "../../support/context.js";
import { decodeQrPng, pdfPageTexts, squash } from "../render/support.js";

const telegramLinks = createLinks({ botUsername: () => "KhaiBaoYTeBot" });

const checkpoint = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  id: 1,
  parentId: null,
  code: newCode(),
  shortCode: "K7P2QXM4",
  name: "Nhà thuốc Hồng Phúc",
  phone: "+84912345678",
  provinceCode: "79",
  communeCode: null,
  address: "123 Nguyễn Đình Chiểu, Phường Xuân Hòa, Hồ Chí Minh",
  kind: "shop",
  stayMinutes: 240,
  createdBy: 1,
  createdAt: new Date("2021-08-01T00:00:00Z"),
  codeRotatedAt: null,
  ...over,
});

// The manager may read English; the poster is still Vietnamese.
const t = i18n.t("en");

describe("the checkpoint poster", () => {
  it("has a PNG whose QR decodes back to the deep link, with both decoders", async () => {
    const cp = checkpoint();
    const input = posterInput(cp, null, t, telegramLinks);
    expect(input.url).toBe(`https://t.me/KhaiBaoYTeBot?start=cp_${cp.code}`);
    const png = await renderPosterPng(input);
    const jsqr = await decodeQrPng(png);
    expect(jsqr?.text).toBe(input.url);
    expect(jsqr!.modulePx).toBeGreaterThanOrEqual(4);
    const { texts } = await createQrDecoder().decode(png);
    expect(texts.map(checkpointCodeInQr)).toEqual([cp.code]);
  });

  it("has a PDF with the Vietnamese instructions, the name, address and short code", async () => {
    const parent = checkpoint({ id: 1, name: "Bệnh viện Đa khoa Đức Giang" });
    const cp = checkpoint({ id: 2, parentId: 1, name: "Khoa Cấp cứu", stayMinutes: 90 });
    const pages = await pdfPageTexts(await renderPosterPdf(posterInput(cp, parent, t, telegramLinks)));
    const text = squash(pages[0]!);
    for (const s of [
      "QUÉT MÃ QR KHI VÀO ĐIỂM KIỂM SOÁT",
      "Khoa Cấp cứu — Bệnh viện Đa khoa Đức Giang",
      "123 Nguyễn Đình Chiểu, Phường Xuân Hòa, Hồ Chí Minh",
      "Mở camera điện thoại hoặc Telegram, quét mã QR ở trên",
      "gửi cho @KhaiBaoYTeBot trên Telegram",
      "Nhắn mã điểm K7P2-QXM4 cho bot",
      "tự động ghi nhận bạn rời khỏi sau 1 giờ 30",
    ])
      expect(text).toContain(s);
    expect(text.replace(/\s/g, "")).toContain("K7P2-QXM4");
  });

  it("carries the bare payload where there is no bot (the terminal)", () => {
    expect(checkpointLink("AbCdEfGhIjKlMnOp", undefined)).toBe("cp_AbCdEfGhIjKlMnOp");
    expect(
      posterInput(checkpoint(), null, t, createLinks({ botUsername: () => undefined })).instructions[1],
    ).toContain("bot khai báo y tế");
  });

  it("shows initials only", () => {
    expect(initials("Nguyễn Văn An")).toBe("N.V.A.");
    expect(initials("  đỗ   thị  ")).toBe("Đ.T.");
    expect(initials("")).toBe("?");
  });
});
