import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Fontkit from "fontkit";

// Be Vietnam Pro was drawn for Vietnamese: every stacked diacritic (ầ, ẫ, ợ, ự…) has a precomposed glyph,
// so it renders correctly without relying on mark positioning. The Expo package ships the Google Fonts TTFs
// and has no exports map, so a file inside it resolves like any module path.
const FONT_PACKAGE = "@expo-google-fonts/be-vietnam-pro";
const FONT_FILES = {
  regular: "400Regular/BeVietnamPro_400Regular.ttf",
  bold: "700Bold/BeVietnamPro_700Bold.ttf",
} as const;

export type FontWeight = keyof typeof FONT_FILES;

export const FONT_FAMILY = "Be Vietnam Pro";
export const FONT_POSTSCRIPT_NAMES: Record<FontWeight, string> = {
  regular: "BeVietnamPro-Regular",
  bold: "BeVietnamPro-Bold",
};

const require = createRequire(import.meta.url);

/** Absolute path of the TTF inside node_modules (nothing is fetched at run time). */
export function fontPath(weight: FontWeight = "regular"): string {
  return require.resolve(`${FONT_PACKAGE}/${FONT_FILES[weight]}`);
}

// The font files are immutable package assets, so caching them per process is safe and saves a disk read and
// a parse for every card or poster.
const bytesCache = new Map<FontWeight, Buffer>();
const fontCache = new Map<FontWeight, Fontkit.Font>();
// Required on the first text measured (layout is synchronous), not at start.
let fontkit: typeof Fontkit | undefined;

export function fontBytes(weight: FontWeight = "regular"): Buffer {
  let bytes = bytesCache.get(weight);
  if (!bytes) {
    bytes = readFileSync(fontPath(weight));
    bytesCache.set(weight, bytes);
  }
  return bytes;
}

export function loadFont(weight: FontWeight = "regular"): Fontkit.Font {
  let font = fontCache.get(weight);
  if (!font) {
    fontkit ??= require("fontkit") as typeof Fontkit;
    const parsed = fontkit.create(fontBytes(weight));
    if (!("layout" in parsed)) throw new Error(`${fontPath(weight)} is a font collection, expected one font`);
    font = parsed;
    fontCache.set(weight, font);
  }
  return font;
}

/**
 * Text as the renderers draw it: NFC so that a name typed with combining marks (common from some Vietnamese
 * keyboards) uses the font's precomposed glyphs and extracts back as the same characters.
 */
export function normalizeText(text: string): string {
  return text.normalize("NFC");
}
