import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Where a file sits: its layer and, for features and channels, which one. */
interface Place {
  layer: "app" | "core" | "platform" | "shared" | "render" | "feature" | "channel" | "db";
  name?: string;
  /** For a feature: the file is its index.ts, the only door other features may use. */
  door?: boolean;
}

function placeOf(path: string): Place | null {
  const parts = path.split("/");
  if (parts[0] === "db") return { layer: "db" };
  if (parts[0] !== "bot") return null;
  if (parts.length === 2) return { layer: "app" };
  const top = parts[1];
  if (top === "features") return { layer: "feature", name: parts[2], door: parts[3] === "index.ts" };
  if (top === "channels") return { layer: "channel", name: parts[2] };
  if (top === "core" || top === "platform" || top === "shared" || top === "render") return { layer: top };
  return null;
}

/** Which layers each layer may import; features and channels have further rules below. */
const ALLOWED: Record<Place["layer"], Place["layer"][]> = {
  db: ["db"],
  core: ["core", "db"],
  render: ["render"],
  shared: ["shared", "core", "render", "db"],
  platform: ["platform", "shared", "core", "db"],
  feature: ["feature", "platform", "shared", "core", "render", "db"],
  channel: ["channel", "platform", "shared", "core", "render", "db"],
  app: ["app", "feature", "channel", "platform", "shared", "core", "render", "db"],
};

/** Why `from` may not import `to`, or null when it may. */
function violation(from: string, to: string): string | null {
  const a = placeOf(from);
  const b = placeOf(to);
  if (!a || !b) return null;
  if (!ALLOWED[a.layer].includes(b.layer)) return `${a.layer} may not import ${b.layer}`;
  if (a.layer === "feature" && b.layer === "feature" && a.name !== b.name && !b.door)
    return `feature ${a.name} may use feature ${b.name} only through its index.ts`;
  if (a.layer === "channel" && b.layer === "channel" && a.name !== b.name)
    return `channel ${a.name} may not import channel ${b.name}`;
  return null;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === "migrations" ? [] : sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|declare module\s+)"(\.{1,2}\/[^"]+)"/g;

/** Relative imports of a file, as repository paths of .ts files. */
function importsOf(path: string, source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) =>
    relative(root, resolve(root, dirname(path), m[1]!)).replace(/\.js$/, ".ts"),
  );
}

describe("import direction", () => {
  it("holds for every file under bot/ and db/", () => {
    const found: string[] = [];
    for (const file of [...sources("bot"), ...sources("db")]) {
      for (const target of importsOf(file, readFileSync(join(root, file), "utf8"))) {
        const why = violation(file, target);
        if (why) found.push(`${file} imports ${target}: ${why}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("names a back-running import", () => {
    expect(violation("bot/core/engine.ts", "bot/shared/users.ts")).toBe("core may not import shared");
    expect(violation("bot/platform/outbox/sender.ts", "bot/channels/telegram/send.ts")).toBe(
      "platform may not import channel",
    );
    expect(violation("bot/features/monitoring/status.ts", "bot/channels/zalo/channel.ts")).toBe(
      "feature may not import channel",
    );
    expect(violation("bot/features/tracing/case.ts", "bot/features/declaration/people.ts")).toMatch(
      /only through its index/,
    );
    expect(violation("bot/features/tracing/case.ts", "bot/features/declaration/index.ts")).toBeNull();
    expect(violation("db/schema/core.ts", "bot/core/types.ts")).toBe("db may not import core");
    expect(violation("bot/app.ts", "bot/channels/zalo/channel.ts")).toBeNull();
  });

  it("reads static, dynamic and type-only imports", () => {
    const src = `import type { A } from "../core/types.js";\nconst m = await import("./x.js");\nimport "../y.js";`;
    expect(importsOf("bot/shared/users.ts", src)).toEqual([
      "bot/core/types.ts",
      "bot/shared/x.ts",
      "bot/y.ts",
    ]);
  });
});
