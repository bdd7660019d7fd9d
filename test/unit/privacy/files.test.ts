import { describe, expect, it } from "vitest";
import { consentOptions, deleteOptions } from "../../../bot/features/privacy/options.js";
import { layoutTextPages, renderTextPdf } from "../../../bot/features/privacy/text-pdf.js";
import { pdfPageTexts, squash } from "../render/support.js";

const texts = (page: { ops: { kind: string; text?: string }[] }) =>
  page.ops.flatMap((op) => (op.kind === "text" ? [op.text ?? ""] : []));

describe("the plain PDF of /mydata", () => {
  it("flows onto new pages, numbers them, and leaves out emoji the font cannot draw", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({ kind: "line" as const, text: `Dòng số ${i}` }));
    const pages = layoutTextPages([
      { kind: "title", text: "Dữ liệu cá nhân" },
      { kind: "line", text: "📱 Số điện thoại: 0912 345 678" },
      ...lines,
    ]);
    expect(pages.length).toBeGreaterThan(1);
    expect(texts(pages[0]!)).toContain("Số điện thoại: 0912 345 678");
    expect(texts(pages.at(-1)!)).toContain(`${pages.length} / ${pages.length}`);
    const all = pages.flatMap(texts);
    expect(all.filter((t) => t.startsWith("Dòng số"))).toHaveLength(120);
    expect(all.join("")).not.toMatch(/\p{Extended_Pictographic}/u);

    const pdf = await renderTextPdf([{ kind: "line", text: "Nguyễn Thị Ánh — Chợ Đồng Xuân" }], {
      title: "x",
    });
    expect(squash((await pdfPageTexts(pdf)).join(" "))).toContain("Nguyễn Thị Ánh — Chợ Đồng Xuân");
  });

  it("keeps a heading with the line under it, wherever the page ends", () => {
    // Some of these fillers end the page just after where the heading would start.
    for (let n = 35; n <= 50; n++) {
      const filler = Array.from({ length: n }, (_, i) => ({ kind: "line" as const, text: `Dòng ${i}` }));
      const pages = layoutTextPages([
        ...filler,
        { kind: "heading", text: "Lượt ra vào" },
        { kind: "line", text: "Một" },
      ]);
      const withHeading = pages.find((p) => texts(p).includes("Lượt ra vào"))!;
      expect(texts(withHeading), `after ${n} lines`).toContain("Một");
    }
  });
});

describe("the privacy buttons", () => {
  it("go through one codec per flow, with the ids the engine routes by", () => {
    expect(consentOptions.build("agree")).toBe("consent:agree");
    expect(consentOptions.match("consent:full", "full")).toEqual([]);
    expect(deleteOptions.build("yes")).toBe("delete:yes");
    expect(deleteOptions.match("delete:yes", "no")).toBeNull();
    expect(deleteOptions.parse("delete:maybe")).toBeNull();
  });
});
