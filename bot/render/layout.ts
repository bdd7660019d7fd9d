import { type FontWeight, loadFont, normalizeText } from "./fonts.js";
import type { QrMatrix } from "./qr-image.js";

// Pages are laid out once, in PDF points with a top-left origin, as a list of drawing operations; the PDF and
// the PNG backends both replay the same list, so a poster looks the same printed or sent as a photo. Text is
// measured with the same font tables pdfkit uses, so widths agree between the two.

export interface TextOp {
  kind: "text";
  text: string;
  x: number;
  /** Alphabetic baseline. */
  y: number;
  size: number;
  weight: FontWeight;
  color: string;
  /** Extra space after every glyph, in points. */
  spacing?: number;
}

export interface RectOp {
  kind: "rect";
  x: number;
  y: number;
  w: number;
  h: number;
  radius?: number;
  fill?: string;
  stroke?: string;
  lineWidth?: number;
}

export interface LineOp {
  kind: "line";
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  color: string;
  lineWidth: number;
  dash?: number;
}

/** `x`, `y`, `size` describe the square of the modules; the caller leaves the quiet zone free around it. */
export interface QrOp {
  kind: "qr";
  matrix: QrMatrix;
  x: number;
  y: number;
  size: number;
}

export type DrawOp = TextOp | RectOp | LineOp | QrOp;

export interface Page {
  width: number;
  height: number;
  ops: DrawOp[];
}

export const A4 = { width: 595.28, height: 841.89 } as const;
export const MM = 72 / 25.4;

// Shaping is the slow part of layout, and fitting and balancing measure the same strings at many sizes, so
// the advance of each string is kept in font units (size-independent). Bounded: cleared when it grows large.
const advances = new Map<string, { units: number; glyphs: number }>();

export function textWidth(text: string, size: number, weight: FontWeight, spacing = 0): number {
  const font = loadFont(weight);
  const key = `${weight}\u0000${text}`;
  let advance = advances.get(key);
  if (!advance) {
    const run = font.layout(normalizeText(text));
    advance = { units: run.positions.reduce((sum, p) => sum + p.xAdvance, 0), glyphs: run.glyphs.length };
    if (advances.size > 20_000) advances.clear();
    advances.set(key, advance);
  }
  return (advance.units * size) / font.unitsPerEm + spacing * Math.max(0, advance.glyphs - 1);
}

export function ascent(size: number, weight: FontWeight): number {
  const font = loadFont(weight);
  return (font.ascent * size) / font.unitsPerEm;
}

/** Greedy word wrap; a single word wider than the line is cut between characters rather than overflow. */
export function wrapText(text: string, size: number, weight: FontWeight, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of normalizeText(text).split("\n")) {
    let line = "";
    for (const word of words(paragraph)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidth(candidate, size, weight) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (textWidth(line, size, weight) > maxWidth && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && textWidth(line.slice(0, cut), size, weight) > maxWidth) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  return lines;
}

// A lone dash stays at the end of the line before it ("Hồng Phúc –" / "Chi nhánh 3"), never starts a line.
function words(paragraph: string): string[] {
  const out: string[] = [];
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    const last = out.length - 1;
    if (/^[-–—]$/.test(word) && last >= 0) out[last] = `${out[last]} ${word}`;
    else out.push(word);
  }
  return out;
}

export interface FittedText {
  lines: string[];
  size: number;
}

/**
 * The largest size (stepping down by half a point) at which the text wraps into at most `maxLines`.
 * `balance` narrows the wrap width as far as the line count allows, so a centered title breaks into lines of
 * similar length instead of leaving one word alone on the last line.
 */
export function fitText(
  text: string,
  weight: FontWeight,
  maxWidth: number,
  opts: { maxSize: number; minSize: number; maxLines: number; balance?: boolean },
): FittedText {
  let size = opts.maxSize;
  let lines = wrapText(text, size, weight, maxWidth);
  while (lines.length > opts.maxLines && size - 0.5 >= opts.minSize) {
    size -= 0.5;
    lines = wrapText(text, size, weight, maxWidth);
  }
  if (opts.balance && lines.length > 1) {
    let lo = maxWidth / lines.length;
    let hi = maxWidth;
    while (hi - lo > 1) {
      const mid = (lo + hi) / 2;
      if (wrapText(text, size, weight, mid).length <= lines.length) hi = mid;
      else lo = mid;
    }
    lines = wrapText(text, size, weight, hi);
  }
  return { lines, size };
}

export type Align = "left" | "center";

/** Text lines starting with the first baseline at `top + ascent`; returns the ops and the y below the block. */
export function textBlock(
  lines: string[],
  at: { x: number; top: number; width: number; align: Align; lineHeight?: number },
  style: { size: number; weight: FontWeight; color: string; spacing?: number },
): { ops: TextOp[]; bottom: number } {
  const lineHeight = at.lineHeight ?? style.size * 1.3;
  const ops: TextOp[] = lines.map((text, i) => {
    const width = textWidth(text, style.size, style.weight, style.spacing);
    const x = at.align === "center" ? at.x + (at.width - width) / 2 : at.x;
    return { kind: "text", text, x, y: at.top + ascent(style.size, style.weight) + i * lineHeight, ...style };
  });
  return { ops, bottom: at.top + lines.length * lineHeight };
}

export function capHeight(size: number, weight: FontWeight): number {
  const font = loadFont(weight);
  return (font.capHeight * size) / font.unitsPerEm;
}
