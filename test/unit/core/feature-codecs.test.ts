import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { OptionArg, OptionCodec } from "../../../bot/core/options.js";

/** Every codec a feature declares in its options.ts, found by looking, so a new one is covered at once. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

type AnyCodec = OptionCodec<Record<string, readonly OptionArg[]>>;

const isCodec = (x: unknown): x is AnyCodec =>
  typeof x === "object" && x !== null && "prefix" in x && "spec" in x && "parse" in x && "build" in x;

const files = readdirSync(join(root, "bot/features"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `bot/features/${d.name}/options.ts`)
  .filter((f) => existsSync(join(root, f)));

const codecs: { where: string; codec: AnyCodec }[] = [];
for (const file of files) {
  const mod: Record<string, unknown> = await import(pathToFileURL(join(root, file)).href);
  for (const [name, value] of Object.entries(mod))
    if (isCodec(value)) codecs.push({ where: `${file} ${name}`, codec: value });
}

const build = (c: AnyCodec, action: string, args: unknown[]) =>
  (c.build as (action: string, ...args: unknown[]) => string)(action, ...args);
const sample = (kind: OptionArg, i: number) => (kind.startsWith("int") ? 40 + i : `v${i}`);

/** One id per action with every argument, and one with the optional ones left out. */
function idsOf(c: AnyCodec): { id: string; action: string; args: unknown[] }[] {
  return Object.entries(c.spec).flatMap(([action, kinds]) => {
    const full = kinds.map(sample);
    const required = kinds.filter((k) => !k.endsWith("?")).map(sample);
    const short = [...required, ...kinds.slice(required.length).map(() => undefined)];
    const both: { id: string; action: string; args: unknown[] }[] = [
      { id: build(c, action, full), action, args: full },
    ];
    if (required.length < kinds.length) both.push({ id: build(c, action, required), action, args: short });
    return both;
  });
}

describe("the features' option codecs", () => {
  it("are found, each under its own prefix", () => {
    const prefixes = codecs.map((c) => c.codec.prefix);
    for (const p of ["declaration", "family", "checkpoint", "language", "invite", "invitation", "scan"])
      expect(prefixes).toContain(p);
    // Two codecs with one prefix would each take the other's presses for their own.
    expect(new Set(prefixes).size, prefixes.join(" ")).toBe(prefixes.length);
  });

  it.each(codecs)("$where: every action round-trips", ({ codec }) => {
    for (const { id, action, args } of idsOf(codec)) {
      expect(id.startsWith(`${codec.prefix}:${action}`), id).toBe(true);
      expect(codec.parse(id), id).toEqual({ action, args });
      expect(codec.match({ kind: "option", data: id }, action), id).toEqual(args);
      expect(codec.owns(id)).toBe(true);
    }
  });

  it.each(codecs)("$where: garbled ids are refused", ({ codec }) => {
    expect(codec.parse(codec.prefix)).toBeNull();
    expect(codec.parse(`${codec.prefix}:`)).toBeNull();
    expect(codec.parse(`${codec.prefix}:no-such-action`)).toBeNull();
    expect(codec.parse(`${codec.prefix}:constructor`)).toBeNull();
    for (const [action, kinds] of Object.entries(codec.spec)) {
      const full = build(codec, action, kinds.map(sample));
      expect(codec.parse(`${full}:extra`), `${full}:extra`).toBeNull();
      const required = kinds.filter((k) => !k.endsWith("?"));
      if (required.length > 0) {
        const missing = build(codec, action, required.map(sample)).split(":").slice(0, -1).join(":");
        expect(codec.parse(missing), missing).toBeNull();
      }
      kinds.forEach((kind, i) => {
        const parts = full.split(":");
        parts[2 + i] = kind.startsWith("int") ? "x" : "a b";
        expect(codec.parse(parts.join(":")), parts.join(":")).toBeNull();
      });
    }
  });

  it.each(codecs)("$where: another feature's ids are not its own", ({ codec }) => {
    for (const other of codecs.filter((c) => c.codec !== codec))
      for (const { id } of idsOf(other.codec)) {
        expect(codec.parse(id), id).toBeNull();
        expect(codec.owns(id), id).toBe(false);
      }
  });
});
