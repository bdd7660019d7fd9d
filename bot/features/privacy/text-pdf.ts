import { pagesToPdf } from "../../render/draw-pdf.js";
import { A4, type DrawOp, MM, type Page, textBlock, wrapText } from "../../render/layout.js";

/** One paragraph of a plain document: its role sets its type size and weight. */
export interface TextBlock {
  kind: "title" | "heading" | "line" | "detail" | "note";
  text: string;
}

const MARGIN = 18 * MM;
const WIDTH = A4.width - 2 * MARGIN;
const BOTTOM = A4.height - MARGIN;
const STYLE = {
  title: { size: 16, weight: "bold", color: "#0b6e4f", before: 0, indent: 0 },
  heading: { size: 12.5, weight: "bold", color: "#111111", before: 5 * MM, indent: 0 },
  line: { size: 10, weight: "regular", color: "#111111", before: 1.2 * MM, indent: 0 },
  detail: { size: 9, weight: "regular", color: "#3d3d3d", before: 0.4 * MM, indent: 5 * MM },
  note: { size: 8.5, weight: "regular", color: "#5a5a5a", before: 1 * MM, indent: 0 },
} as const;

// The chat's emoji (📱, ✅, 📍) have no glyph in the embedded font: they are left out of the page.
const plain = (text: string) =>
  text
    .replace(/\p{Extended_Pictographic}|\u{FE0F}|\u{200D}/gu, "")
    .replace(/^ +/gm, "")
    .trim();

/**
 * A plain A4 document of wrapped paragraphs, flowing from page to page, with "n / N" in each page's footer.
 * Be Vietnam Pro is embedded, so every diacritic reads and copies back as typed.
 */
export async function renderTextPdf(blocks: TextBlock[], opts: { title: string }): Promise<Buffer> {
  return pagesToPdf(layoutTextPages(blocks), { title: opts.title });
}

/** The blocks laid out on A4 pages (what the PDF draws). */
export function layoutTextPages(blocks: TextBlock[]): Page[] {
  const pages: DrawOp[][] = [[]];
  let top = MARGIN;
  for (const block of blocks) {
    const s = STYLE[block.kind];
    const lineHeight = s.size * 1.35;
    const lines = wrapText(plain(block.text), s.size, s.weight, WIDTH - s.indent);
    top += s.before;
    // A heading is never left alone at the foot of a page.
    const keep = block.kind === "heading" ? 3 * lineHeight : lineHeight;
    lines.forEach((line, i) => {
      if (top + (i === 0 ? keep : lineHeight) > BOTTOM) {
        pages.push([]);
        top = MARGIN;
      }
      const { ops } = textBlock(
        [line],
        { x: MARGIN + s.indent, top, width: WIDTH - s.indent, align: "left", lineHeight },
        { size: s.size, weight: s.weight, color: s.color },
      );
      pages.at(-1)!.push(...ops);
      top += lineHeight;
    });
  }
  return pages.map((ops, i) => {
    const footer = textBlock(
      [`${i + 1} / ${pages.length}`],
      { x: MARGIN, top: BOTTOM + 4 * MM, width: WIDTH, align: "center" },
      { size: 8, weight: "regular", color: "#7a7a7a" },
    );
    return { width: A4.width, height: A4.height, ops: [...ops, ...footer.ops] };
  });
}
