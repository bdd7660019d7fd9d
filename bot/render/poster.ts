import { pagesToPdf } from "./draw-pdf.js";
import { pageToPng } from "./draw-png.js";
import { A4, capHeight, type DrawOp, fitText, type Page, textBlock, textWidth } from "./layout.js";
import { QR_QUIET_ZONE, qrMatrix } from "./qr-image.js";

/** All strings arrive localized; `url` is the deep link the QR encodes. */
export interface PosterInput {
  url: string;
  name: string;
  address: string;
  /** Lines under the address: the venue's safety rating and its date, the area's level. */
  status?: string[];
  shortCode: string;
  heading: string;
  instructions: string[];
  footer?: string;
}

/** A4 at 150 dpi: big enough to print from a phone, small enough to send as a chat photo. */
export const POSTER_PNG_WIDTH = 1240;

const MARGIN = 40;
const GREEN = "#0b6e4f";
const INK = "#111111";
const GREY = "#444444";

export async function renderPosterPdf(p: PosterInput): Promise<Buffer> {
  return renderPostersPdf([p]);
}

export async function renderPostersPdf(ps: PosterInput[]): Promise<Buffer> {
  if (ps.length === 0) throw new RangeError("no posters to render");
  return pagesToPdf(ps.map(posterPage), { title: ps.length === 1 ? ps[0]!.name : undefined });
}

export async function renderPosterPng(p: PosterInput): Promise<Buffer> {
  return pageToPng(posterPage(p), POSTER_PNG_WIDTH);
}

/** Lays the poster out, shrinking the QR and the instructions together only when the text would not fit. */
export function posterPage(p: PosterInput): Page {
  let laid = layout(p, 1);
  for (let f = 0.95; !laid.fits && f >= 0.6; f -= 0.05) laid = layout(p, f);
  return { width: A4.width, height: A4.height, ops: laid.ops };
}

function layout(p: PosterInput, f: number): { ops: DrawOp[]; fits: boolean } {
  const ops: DrawOp[] = [];
  const width = A4.width - 2 * MARGIN;
  const center = { x: MARGIN, width, align: "center" } as const;

  const heading = fitText(p.heading, "bold", width, { maxSize: 30, minSize: 16, maxLines: 2, balance: true });
  const headingBlock = textBlock(
    heading.lines,
    { ...center, top: 24, lineHeight: heading.size * 1.2 },
    { size: heading.size, weight: "bold", color: "#ffffff" },
  );
  const bandHeight = headingBlock.bottom + 16;
  ops.push({ kind: "rect", x: 0, y: 0, w: A4.width, h: bandHeight, fill: GREEN }, ...headingBlock.ops);

  const name = fitText(p.name, "bold", width, { maxSize: 26, minSize: 14, maxLines: 2, balance: true });
  const nameBlock = textBlock(
    name.lines,
    { ...center, top: bandHeight + 18, lineHeight: name.size * 1.2 },
    { size: name.size, weight: "bold", color: INK },
  );
  const address = fitText(p.address, "regular", width, {
    maxSize: 14,
    minSize: 10,
    maxLines: 2,
    balance: true,
  });
  const addressBlock = textBlock(
    address.lines,
    { ...center, top: nameBlock.bottom + 6 },
    { size: address.size, weight: "regular", color: GREY },
  );
  ops.push(...nameBlock.ops, ...addressBlock.ops);
  let above = addressBlock.bottom;
  if (p.status && p.status.length > 0) {
    const statusBlock = textBlock(
      p.status,
      { ...center, top: above + 6, lineHeight: 16 },
      { size: 13, weight: "bold", color: GREEN },
    );
    ops.push(...statusBlock.ops);
    above = statusBlock.bottom;
  }

  // The box includes the quiet zone, so the white space around the code is part of the 60 % of the width.
  const matrix = qrMatrix(p.url);
  const box = A4.width * 0.6 * f;
  const qrSize = (box * matrix.size) / (matrix.size + 2 * QR_QUIET_ZONE);
  const qrTop = above + 4;
  ops.push({ kind: "qr", matrix, x: (A4.width - qrSize) / 2, y: qrTop + (box - qrSize) / 2, size: qrSize });

  const code = shortCodeOps(p.shortCode, qrTop + box + 2, width);
  ops.push(...code.ops);

  const instructions = instructionOps(p.instructions, code.bottom + 18, width, Math.max(10, 13 * f));
  ops.push(...instructions.ops);

  let footerTop = A4.height - 16;
  if (p.footer) {
    const footer = fitText(p.footer, "regular", width, {
      maxSize: 9,
      minSize: 7,
      maxLines: 2,
      balance: true,
    });
    const lineHeight = footer.size * 1.3;
    footerTop = A4.height - 18 - footer.lines.length * lineHeight;
    ops.push(
      ...textBlock(
        footer.lines,
        { ...center, top: footerTop, lineHeight },
        { size: footer.size, weight: "regular", color: GREY },
      ).ops,
    );
  }
  return { ops, fits: instructions.bottom <= footerTop - 8 };
}

/** The code people type when they cannot scan: large, letter-spaced, framed. */
function shortCodeOps(code: string, top: number, maxWidth: number): { ops: DrawOp[]; bottom: number } {
  let size = 40;
  let spacing = 14;
  while (size > 18 && textWidth(code, size, "bold", spacing) + 48 > maxWidth) {
    size -= 2;
    spacing = size * 0.35;
  }
  const w = textWidth(code, size, "bold", spacing) + 48;
  const h = size * 1.5;
  const x = (A4.width - w) / 2;
  return {
    ops: [
      { kind: "rect", x, y: top, w, h, radius: 10, stroke: GREEN, lineWidth: 2.5 },
      {
        kind: "text",
        text: code,
        x: x + 24,
        y: top + (h + capHeight(size, "bold")) / 2,
        size,
        weight: "bold",
        color: INK,
        spacing,
      },
    ],
    bottom: top + h,
  };
}

/** Numbered steps with a hanging indent, so wrapped lines line up under the text and not the number. */
function instructionOps(
  steps: string[],
  top: number,
  width: number,
  size: number,
): { ops: DrawOp[]; bottom: number } {
  const ops: DrawOp[] = [];
  const indent = size * 1.8;
  const x = MARGIN + 16;
  const textWidthMax = width - 32 - indent;
  steps.forEach((step, i) => {
    const lines = fitText(step, "regular", textWidthMax, {
      maxSize: size,
      minSize: size,
      maxLines: 99,
    }).lines;
    const number = textBlock(
      [`${i + 1}.`],
      { x, top, width: indent, align: "left" },
      { size, weight: "bold", color: GREEN },
    );
    const body = textBlock(
      lines,
      { x: x + indent, top, width: textWidthMax, align: "left" },
      { size, weight: "regular", color: INK },
    );
    ops.push(...number.ops, ...body.ops);
    top = body.bottom + size * 0.5;
  });
  return { ops, bottom: top };
}
