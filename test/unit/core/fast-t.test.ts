import { describe, expect, it } from "vitest";
import { fastT } from "../../../bot/core/fast-t.js";
import { createI18n, LANGS } from "../../../bot/core/i18n.js";

/** Every "namespace:path" of a language's resources whose value is a string. */
function keysOf(resources: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(resources).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return typeof v === "string" ? [key] : v && typeof v === "object" ? keysOf(v as never, key) : [];
  });
}

function allKeys(): { key: string; placeholders: string[] }[] {
  const { instance, namespaces } = createI18n();
  const out = new Map<string, Set<string>>();
  for (const lang of LANGS)
    for (const ns of namespaces) {
      const bundle = instance.getResourceBundle(lang, ns) as Record<string, unknown>;
      for (const path of keysOf(bundle)) {
        // A plural form is asked for by its base key (with count).
        const key = `${ns}:${path.replace(/_(zero|one|two|few|many|other)$/, "")}`;
        const raw = String(instance.getResource(lang, ns, path));
        const names = out.get(key) ?? new Set<string>();
        for (const m of raw.matchAll(/\{\{([^{}]*)\}\}/g)) names.add(m[1]!.split(",")[0]!.trim());
        out.set(key, names);
      }
    }
  return [...out].map(([key, names]) => ({ key, placeholders: [...names] }));
}

describe("fast translations", () => {
  const keys = allKeys();

  it("read exactly as i18next's on every key of locales/, in every language", () => {
    const { instance } = createI18n();
    let compared = 0;
    for (const lang of LANGS) {
      const fast = fastT(instance, lang, "vi");
      const slow = instance.getFixedT(lang);
      for (const { key, placeholders } of keys) {
        const vars = Object.fromEntries(placeholders.map((n, i) => [n, i % 2 ? `«${n}»` : 7 + i]));
        const cases: (Record<string, unknown> | undefined)[] = [
          undefined,
          vars,
          { ...vars, count: 1 },
          { ...vars, count: 3 },
        ];
        for (const c of cases) {
          expect(fast(key, c as never), `${lang} ${key} ${JSON.stringify(c)}`).toBe(slow(key, c as never));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("fills plain strings without i18next, and leaves the rest to it", () => {
    const { instance } = createI18n();
    let calls = 0;
    const t = instance.t.bind(instance);
    instance.t = ((...args: Parameters<typeof t>) => {
      calls++;
      return t(...args);
    }) as typeof instance.t;
    const fast = fastT(instance, "vi", "vi");
    const plain = keys.find((k) => k.placeholders.length === 0 && !k.key.includes("_"))!;
    const withVar = keys.find((k) => k.placeholders.length === 1)!;
    fast(plain.key);
    fast(withVar.key, { [withVar.placeholders[0]!]: "x" });
    expect(calls).toBe(0);
    // A missing variable, a value that is not text, and plural counts are i18next's.
    fast(withVar.key, {});
    fast(withVar.key, { [withVar.placeholders[0]!]: { a: 1 } });
    fast(withVar.key, { [withVar.placeholders[0]!]: "x", count: 2 });
    expect(calls).toBe(3);
    // A key nobody wrote is shown as i18next shows it.
    expect(fast("common:no.such.key")).toBe(t("common:no.such.key", { lng: "vi" }));
  });
});
