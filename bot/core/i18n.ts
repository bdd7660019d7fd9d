import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n, type Resource, type ResourceLanguage, type TFunction } from "i18next";
import { fastT } from "./fast-t.js";

export const LANGS = ["vi", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "vi";

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
}

/** Telegram's language_code ("en-US", "vi") mapped to a language we speak, or undefined. */
export function langFromCode(code: string | undefined | null): Lang | undefined {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : undefined;
}

export const localesDir = fileURLToPath(new URL("../../locales", import.meta.url));

function loadResources(dir: string) {
  const resources: Resource = {};
  for (const lang of LANGS) {
    const ns: ResourceLanguage = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith(".json"))) {
      ns[basename(file, ".json")] = JSON.parse(readFileSync(join(dir, lang, file), "utf8"));
    }
    resources[lang] = ns;
  }
  return resources;
}

export interface I18n {
  instance: i18n;
  namespaces: string[];
  /** A translator fixed to a language; keys are "namespace:path". */
  t(lang: Lang): TFunction;
}

/** Loads every namespace of every language from locales/ synchronously, once at start. */
export function createI18n(dir: string = localesDir): I18n {
  const resources = loadResources(dir);
  const namespaces = Object.keys(resources[DEFAULT_LANG] ?? {});
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: DEFAULT_LANG,
    fallbackLng: DEFAULT_LANG,
    supportedLngs: [...LANGS],
    ns: namespaces,
    defaultNS: "common",
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<Lang, TFunction>(LANGS.map((l) => [l, fastT(instance, l, DEFAULT_LANG)]));
  return { instance, namespaces, t: (lang) => fixed.get(lang) ?? instance.getFixedT(lang) };
}
