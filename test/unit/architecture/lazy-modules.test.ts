import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Packages that cost start time or tens of megabytes and only serve some updates (a chart, a PDF, a photo, a
 * spreadsheet) or only one database: they are imported where they are first used, never at the top of a module
 * the start loads. `import type` is fine (erased).
 */
const HEAVY = [
  "@napi-rs/canvas",
  "chart.js",
  "pdfkit",
  "fontkit",
  "sharp",
  "zxing-wasm",
  "write-excel-file",
  "read-excel-file",
  "@electric-sql/pglite",
  "drizzle-orm/pglite",
];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Static value imports (and re-exports) of a heavy package: `import x from "sharp"`, `export … from "sharp"`. */
function eagerHeavyImports(text: string): string[] {
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(?!type\b)([^;'"]*?\bfrom\s+)?["']([^"']+)["']/gm;
  for (const m of text.matchAll(statement)) {
    const spec = m[3]!;
    if (HEAVY.some((h) => spec === h || spec.startsWith(`${h}/`))) found.push(spec);
  }
  return found;
}

describe("heavy modules load on first use", () => {
  it("recognises eager imports and lets type-only and dynamic ones through", () => {
    expect(eagerHeavyImports('import sharp from "sharp";')).toEqual(["sharp"]);
    expect(eagerHeavyImports('import { readSheet } from "read-excel-file/node";')).toEqual([
      "read-excel-file/node",
    ]);
    expect(eagerHeavyImports('import {\n  a,\n  b,\n} from "zxing-wasm/reader";')).toEqual([
      "zxing-wasm/reader",
    ]);
    expect(eagerHeavyImports('export { x } from "pdfkit";')).toEqual(["pdfkit"]);
    expect(eagerHeavyImports('import "sharp";')).toEqual(["sharp"]);
    expect(eagerHeavyImports('import type { Metadata } from "sharp";')).toEqual([]);
    expect(eagerHeavyImports('const { default: sharp } = await import("sharp");')).toEqual([]);
    expect(eagerHeavyImports('import postgres from "postgres";')).toEqual([]);
  });

  it("no module of the bot or the database layer imports one at its top", () => {
    const offenders = [...sources("bot"), ...sources("db")].flatMap((file) =>
      eagerHeavyImports(readFileSync(join(root, file), "utf8")).map(
        (spec) => `${relative(root, join(root, file))}: ${spec}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
