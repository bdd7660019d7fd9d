import type { OverlayOptions } from "sharp";
import { loadFont, normalizeText } from "./fonts.js";
import type { DrawOp, Page, QrOp, TextOp } from "./layout.js";
import { QR_MIN_SCALE, QR_QUIET_ZONE, type QrMatrix } from "./qr-image.js";

// Text becomes SVG outlines taken from the TTF, so the raster needs no system font and no fontconfig: what is
// drawn is exactly the glyphs the PDF embeds. The QR is not part of the SVG: it is pasted as a bitmap with a
// whole number of pixels per module, so its edges stay sharp instead of being anti-aliased.

export async function pageToPng(page: Page, widthPx: number): Promise<Buffer> {
  const k = widthPx / page.width;
  const heightPx = Math.round(page.height * k);
  const body = page.ops.map(svgOf).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${page.width} ${page.height}"><rect x="0" y="0" width="${page.width}" height="${page.height}" fill="#ffffff"/>${body}</svg>`;
  const { default: sharp } = await import("sharp");
  const qrs = page.ops.filter((op): op is QrOp => op.kind === "qr").map((op) => qrLayer(op, k));
  return sharp(Buffer.from(svg)).composite(qrs).flatten({ background: "#ffffff" }).png().toBuffer();
}

function svgOf(op: DrawOp): string {
  switch (op.kind) {
    case "text":
      return `<path d="${textPathData(op)}" fill="${op.color}"/>`;
    case "rect": {
      const paint = `fill="${op.fill ?? "none"}" stroke="${op.stroke ?? "none"}" stroke-width="${op.lineWidth ?? 1}"`;
      return `<rect x="${op.x}" y="${op.y}" width="${op.w}" height="${op.h}" rx="${op.radius ?? 0}" ${paint}/>`;
    }
    case "line": {
      const dash = op.dash ? ` stroke-dasharray="${op.dash}"` : "";
      return `<line x1="${op.x1}" y1="${op.y1}" x2="${op.x2}" y2="${op.y2}" stroke="${op.color}" stroke-width="${op.lineWidth}"${dash}/>`;
    }
    case "qr":
      return "";
  }
}

/** Outline of the shaped text, with the same advances, kerning and mark offsets pdfkit uses for the PDF. */
export function textPathData(op: TextOp): string {
  const font = loadFont(op.weight);
  const s = op.size / font.unitsPerEm;
  const run = font.layout(normalizeText(op.text));
  let pen = op.x;
  const parts: string[] = [];
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i]!;
    const d = glyph.path
      .scale(s, -s)
      .translate(pen + pos.xOffset * s, op.y - pos.yOffset * s)
      .toSVG();
    if (d) parts.push(d);
    pen += pos.xAdvance * s + (op.spacing ?? 0);
  });
  return parts.join("");
}

function qrLayer(op: QrOp, k: number): OverlayOptions {
  const boxPx = op.size * k;
  const modulePx = Math.max(QR_MIN_SCALE, Math.floor(boxPx / op.matrix.size));
  const side = (op.matrix.size + 2 * QR_QUIET_ZONE) * modulePx;
  const offset = (boxPx - op.matrix.size * modulePx) / 2 - QR_QUIET_ZONE * modulePx;
  return {
    input: qrRaster(op.matrix, modulePx),
    raw: { width: side, height: side, channels: 1 },
    left: Math.round(op.x * k + offset),
    top: Math.round(op.y * k + offset),
  };
}

function qrRaster(matrix: QrMatrix, modulePx: number): Buffer {
  const side = (matrix.size + 2 * QR_QUIET_ZONE) * modulePx;
  const pixels = Buffer.alloc(side * side, 255);
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (!matrix.dark(row, col)) continue;
      const x0 = (col + QR_QUIET_ZONE) * modulePx;
      for (let y = (row + QR_QUIET_ZONE) * modulePx, end = y + modulePx; y < end; y++) {
        pixels.fill(0, y * side + x0, y * side + x0 + modulePx);
      }
    }
  }
  return pixels;
}
