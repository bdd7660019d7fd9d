import type { i18n, TFunction } from "i18next";

/**
 * i18next resolves and interpolates every call from scratch, about 15 µs each; a check-in's reply makes half a
 * dozen. Most strings are plain text with `{{name}}` placeholders: those are split once per language and key
 * and filled here. Anything else — plurals and context (`count`, `context`), nesting (`$t(`), formats
 * (`{{x, number}}`), a value that is not a string or number, a missing variable, options i18next reads itself —
 * goes to i18next as before, so what a person reads does not change (test/unit/core/fast-t.test.ts compares
 * the two on every key of locales/).
 */
export function fastT(instance: i18n, lang: string, fallbackLang: string): TFunction {
  const slow = instance.getFixedT(lang);
  const templates = new Map<string, Template | null>();
  const fast = (key: unknown, options?: unknown): unknown => {
    if (typeof key !== "string" || !plainOptions(options)) return slow(key as string, options as never);
    let template = templates.get(key);
    if (template === undefined) {
      template = compile(instance, lang, fallbackLang, key);
      templates.set(key, template);
    }
    const out = template && fill(template, options as Record<string, unknown> | undefined);
    return out ?? slow(key, options as never);
  };
  return fast as TFunction;
}

/** Literal parts, with a variable's name between each two. */
interface Template {
  parts: string[];
  names: string[];
}

/** Options i18next acts on besides interpolation: with any of these, the call is its own. */
const RESERVED = new Set([
  "count",
  "context",
  "lng",
  "lngs",
  "ns",
  "defaultValue",
  "returnObjects",
  "returnDetails",
  "joinArrays",
  "replace",
  "interpolation",
  "ordinal",
  "fallbackLng",
  "keySeparator",
  "nsSeparator",
  "postProcess",
  "skipInterpolation",
  "escapeValue",
]);

function plainOptions(options: unknown): boolean {
  if (options === undefined) return true;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return false;
  for (const name in options) if (RESERVED.has(name) || name.startsWith("defaultValue")) return false;
  return true;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function compile(instance: i18n, lang: string, fallbackLang: string, key: string): Template | null {
  const colon = key.indexOf(":");
  const ns = colon >= 0 ? key.slice(0, colon) : String(instance.options.defaultNS ?? "translation");
  const path = colon >= 0 ? key.slice(colon + 1) : key;
  // Plural forms live beside the key (key_one, key_other) and need `count`, which goes to i18next.
  const raw: unknown = instance.getResource(lang, ns, path) ?? instance.getResource(fallbackLang, ns, path);
  if (typeof raw !== "string" || raw.includes("$t(")) return null;
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of raw.matchAll(PLACEHOLDER)) {
    const name = m[1]!.trim();
    if (!NAME.test(name)) return null;
    parts.push(raw.slice(last, m.index));
    names.push(name);
    last = m.index + m[0].length;
  }
  parts.push(raw.slice(last));
  if (parts.some((p) => p.includes("{{") || p.includes("}}"))) return null;
  return { parts, names };
}

function fill(template: Template, vars: Record<string, unknown> | undefined): string | null {
  const { parts, names } = template;
  if (names.length === 0) return parts[0]!;
  let out = parts[0]!;
  for (let i = 0; i < names.length; i++) {
    const value = vars?.[names[i]!];
    if (typeof value === "string") out += value;
    else if (typeof value === "number") out += String(value);
    else return null;
    out += parts[i + 1]!;
  }
  return out;
}
