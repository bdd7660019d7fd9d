import jsQRModule from "jsqr";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import sharp from "sharp";

// jsqr is CommonJS typed as an ES module: Node hands over module.exports, whose `default` is the same function.
const jsQR = jsQRModule.default;

/** Text of every page, one string per page, lines joined by "\n" as pdf.js reports them. */
export async function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true })
    .promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    let text = "";
    for (const item of content.items) {
      if (!("str" in item)) continue;
      text += item.str + (item.hasEOL ? "\n" : "");
    }
    pages.push(text);
  }
  await doc.destroy();
  return pages;
}

/** Collapses runs of whitespace, so a string wrapped over several lines still matches its input. */
export function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Names of the fonts the PDF embeds, without the subset prefix (ABCDEF+). */
export function embeddedFontNames(pdf: Buffer): string[] {
  const names = [...pdf.toString("latin1").matchAll(/\/FontName\s*\/(?:[A-Z]{6}\+)?([\w-]+)/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(names)].sort();
}

export interface DecodedQr {
  text: string;
  /** Pixels per module, measured between the finder pattern centres. */
  modulePx: number;
  version: number;
}

export async function decodeQrPng(png: Buffer): Promise<DecodedQr | null> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = jsQR(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  if (!found) return null;
  const { topLeftFinderPattern: a, topRightFinderPattern: b } = found.location;
  const modules = 17 + 4 * found.version;
  return {
    text: found.data,
    version: found.version,
    modulePx: Math.hypot(b.x - a.x, b.y - a.y) / (modules - 7),
  };
}
