import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Button ids are built and read through one codec per feature (`optionCodec` in bot/core/options.ts, declared
 * in the feature's options.ts), so an id cannot drift between the message that sends it and the step that
 * reads it, and the 64-byte limit is checked in one place. Flows and shared helpers may not assemble or
 * pick apart an id themselves.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** What writing an id by hand looks like, and what to do instead. */
const RULES: { name: string; pattern: RegExp }[] = [
  { name: "an id built from a template string", pattern: /\bid:\s*`/ },
  { name: "an id written out as a string with its parts", pattern: /\bid:\s*(["'])[^"'\n]*:[^"'\n]*\1/ },
  { name: "parts joined with ':'", pattern: /\.join\(\s*(["'`]):\1\s*\)/ },
  { name: "a prefix tested by hand", pattern: /\.startsWith\(\s*`\$\{[^}`]+\}:/ },
  // The pressed id goes to a codec (`codec.parse(input.data)`, `parseXOption(input.data)`) and nowhere else.
  { name: "a pressed id read other than by a codec", pattern: /(?<!\w\()\binput\.data\b(?!\s*\))/ },
];

/** Folders under review for another change: they must still break a rule (else take them off this list). */
const PENDING: string[] = [];

/** Code only: comments say why, and may quote an id. */
const code = (line: string) => line.replace(/(^|\s)\/\/.*$/, "").replace(/^\s*(\/\*\*?|\*).*$/, "");

/** Where `source` writes or reads an option id by hand, as "line: rule". */
function handBuiltIds(source: string): string[] {
  return source
    .split("\n")
    .flatMap((line, i) => RULES.filter((r) => r.pattern.test(code(line))).map((r) => `${i + 1}: ${r.name}`));
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every flow, effect, job and shared helper; a feature's options.ts is where its codec lives. */
const checked = () =>
  [...sources("bot/features"), ...sources("bot/shared")].filter((f) => !f.endsWith("/options.ts"));

describe("option ids", () => {
  it("are built and read only through a feature's codec", () => {
    const found = checked()
      .filter((f) => !PENDING.some((p) => f.startsWith(p)))
      .flatMap((f) => handBuiltIds(readFileSync(join(root, f), "utf8")).map((hit) => `${f}:${hit}`));
    expect(found).toEqual([]);
  });

  it("keeps no folder on the pending list that no longer needs it", () => {
    const stillPending = PENDING.filter((p) =>
      checked().some((f) => f.startsWith(p) && handBuiltIds(readFileSync(join(root, f), "utf8")).length > 0),
    );
    expect(stillPending, "remove the cleaned folders from PENDING").toEqual(PENDING);
  });

  it("recognises each way of writing an id by hand", () => {
    const hand = [
      `{ id: \`\${FLOW}:agree\`, label }`,
      '{ id: "delete:yes", label }',
      'const opt = (...parts: string[]) => [NAME, ...parts].join(":");',
      `if (raw.startsWith(\`\${prefix}:\`)) {`,
      'if (input.kind === "option" && input.data === opt("add"))',
      "const value = input.data.slice(NAME.length + 1);",
      'const data = input.kind === "option" ? input.data : "";',
    ];
    for (const line of hand) expect(handBuiltIds(line), line).toHaveLength(1);
  });

  it("lets codec calls, other template strings and comments through", () => {
    const fine = [
      '{ id: familyOptions.build("decl", m.id), label }',
      "const o = manageOptions.parse(input.data);",
      'if (input.kind === "option") return languageOptions.parse(input.data)?.action;',
      `dedupeKey: \`\${status}:\${closed.id}\`,`,
      '{ type: "group", id: String(group.id) }',
      "// Button ids: `declaration:a:<question>:<value>`",
      ' * `<prefix>:<code>` and `id: "x:y"` in a doc comment',
      'const [h, m] = localTime(now, timeZone).split(":").map(Number);',
    ];
    for (const line of fine) expect(handBuiltIds(line), line).toEqual([]);
  });
});
