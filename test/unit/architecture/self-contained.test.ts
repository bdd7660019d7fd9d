import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * A bare clone of the repository must run and pass its tests: nothing in the product or its tests may reach
 * the directory beside the repository that holds shared reference copies (the unit list among them).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const SELF = basename(fileURLToPath(import.meta.url));

// Import specifiers (static, dynamic, re-exports, vi.mock), then every other quoted string.
const IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\bvi\.mock\(\s*|\brequire\(\s*)(["'`])([^"'`\n]+)\1/g;
const STRING = /(["'`])((?:(?!\1)[^\\\n$]|\\.)*)\1/g;
// Path segments passed one by one: join(root, "..", "shared").
const SEGMENTS = /["'`]\.\.["'`]\s*,\s*["'`]shared\b/;

/** Whether `target` lies in a directory named "shared" outside the repository. */
function outsideShared(target: string, repo: string): boolean {
  const rel = relative(repo, target);
  if (!rel.startsWith("..")) return false;
  return rel.split(sep).includes("shared");
}

/**
 * The references in `source` (the text of `file`, relative to `repo`) that reach a `shared` directory outside
 * the repository. An import or `new URL(…, import.meta.url)` is resolved from the file; any other path from
 * the file and from the repository root (where npm runs scripts and tests, so where a relative readFile
 * starts) — but an import that stays inside the repository is never read again from the root.
 */
function sharedReferences(source: string, file: string, repo: string): string[] {
  const dir = dirname(join(repo, file));
  const found: string[] = [];
  const imports = new Set<string>();
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[2]!;
    imports.add(spec);
    if (spec.startsWith(".") && outsideShared(resolve(dir, spec), repo)) found.push(spec);
  }
  for (const m of source.matchAll(STRING)) {
    const s = m[2]!;
    if (!s.includes("shared") || imports.has(s)) continue;
    const path = s.startsWith("file://") ? fileURLToPath(s) : s;
    const looksLikePath = path.startsWith(".") || path.startsWith("/");
    if (
      looksLikePath &&
      (outsideShared(resolve(dir, path), repo) || outsideShared(resolve(repo, path), repo))
    )
      found.push(s);
  }
  if (SEGMENTS.test(source)) found.push("'..', 'shared' path segments");
  return found;
}

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === "node_modules" ? [] : files(path);
    return /\.(ts|mts|js|mjs|cjs|json|sh)$/.test(e.name) ? [path] : [];
  });
}

describe("the repository is self-contained", () => {
  it("finds such references however they are written", () => {
    const repo = "/r/app";
    const hit = (source: string, file = "test/support/x.ts") => sharedReferences(source, file, repo);
    expect(hit(`const f = new URL("../../../shared/data/u.json", import.meta.url);`)).toHaveLength(1);
    expect(hit(`readFileSync("../shared/data/u.json", "utf8")`, "scripts/a.ts")).toHaveLength(1);
    expect(hit(`import data from "../../../shared/data/u.json";`)).toHaveLength(1);
    expect(hit(`await import('../../../shared/x.js')`)).toHaveLength(1);
    expect(hit("readFile(`/r/shared/data/u.json`)")).toHaveLength(1);
    expect(hit(`join(root, "..", "shared", "data")`)).toHaveLength(1);
    // The product's own bot/shared folder is inside the repository.
    expect(hit(`import { fold } from "../../shared/fold.js";`, "bot/features/a/b.ts")).toEqual([]);
    expect(hit(`import { fold } from "../../bot/shared/fold.js";`, "test/unit/a.test.ts")).toEqual([]);
    expect(hit(`const p = "../../db/data/units.json";`, "bot/shared/a.ts")).toEqual([]);
  });

  it("no file in bot/, db/, scripts/ or test/ reads anything beside the repository", () => {
    const offenders = ["bot", "db", "scripts", "test"]
      .flatMap(files)
      .filter((f) => basename(f) !== SELF)
      .flatMap((f) =>
        sharedReferences(readFileSync(join(root, f), "utf8"), f, root).map((r) => `${f}: ${r}`),
      );
    expect(offenders).toEqual([]);
  });
});
