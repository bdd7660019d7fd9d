import type { TFunction } from "i18next";
import type { DbOrTx } from "../../../db/client.js";
import { countCommunes, searchCommunes } from "../../shared/admin-units.js";
import { fold } from "../../shared/fold.js";
import { isMasked } from "../../shared/id-hash.js";
import { PROVINCES, provinceByCode } from "../../shared/provinces.js";
import {
  type Answer,
  type Answers,
  applies,
  FORM,
  type FormEnv,
  isOptional,
  offeredOptions,
  type Question,
} from "./form.js";
import { type AnswerError, firstError, shortTextSchema, yearSchema } from "./validators.js";

/**
 * The declaration form as one web page: the same questions (form.ts), conditions and validators as the chat
 * flow, read from what a page sends. A page sends each answer as a string (typed text, a chosen value, a
 * list of places separated by ";") or, for tick boxes, the ticked values, with "none" for "none of these".
 */
export type RawAnswer = string | string[];
export type RawAnswers = Record<string, RawAnswer>;

/** The value a tick list sends for "none of these". */
export const NONE = "none";

export interface WebFormState {
  /** Answers that parsed, in form order; complete when `errors` and `missing` are empty. */
  answers: Answers;
  errors: Record<string, AnswerError>;
  /** Questions that apply, in form order. */
  visible: string[];
  /** Questions that may be left empty. */
  optional: string[];
  /** Options of choice and tick questions not offered for these answers (pregnancy for a man). */
  hiddenOptions: Record<string, string[]>;
  /** Communes of the chosen province that match what was typed, when the province's list is loaded. */
  communes: string[];
}

const isEmpty = (r: RawAnswer | undefined) =>
  r === undefined || (Array.isArray(r) ? r.length === 0 : r.trim() === "");
const err = (key: string, vars: Record<string, string | number> = {}) => ({ error: { key, vars } });
type Parsed = { value: Answer } | { error: AnswerError };

function ticks(q: Question & { type: "multi" | "toggles" }, raw: RawAnswer, answers: Answers): Parsed {
  const list = Array.isArray(raw) ? raw : [raw];
  const allowed = q.type === "multi" ? offeredOptions(q.options, answers).map((o) => o.value) : q.items;
  if (list.includes(NONE)) {
    if (list.length > 1) return err("pickOrNone");
    return { value: q.type === "toggles" ? Object.fromEntries(q.items.map((i) => [i, false])) : [] };
  }
  if (!list.every((v) => allowed.includes(v))) return err("invalid");
  const on = allowed.filter((v) => list.includes(v));
  return { value: q.type === "toggles" ? Object.fromEntries(q.items.map((i) => [i, on.includes(i)])) : on };
}

interface Lookup {
  hasUnits: boolean;
  matches: { code: string; name: string }[];
}

function parseOne(q: Question, raw: RawAnswer, answers: Answers, env: FormEnv, lookup?: Lookup): Parsed {
  const s = Array.isArray(raw) ? "" : raw;
  switch (q.type) {
    case "text": {
      // A prefilled ID or insurance number is shown masked: left as it is, it means "the one held".
      if ((q.id === "idNumber" || q.id === "insuranceNo") && isMasked(s.trim())) return { value: s.trim() };
      const parsed = q.schema(answers, env).safeParse(s);
      return parsed.success ? { value: parsed.data } : { error: firstError(parsed.error) };
    }
    case "year": {
      const parsed = yearSchema(env.now, env.timeZone).safeParse(s);
      return parsed.success ? { value: parsed.data } : { error: firstError(parsed.error) };
    }
    case "choice":
      return offeredOptions(q.options, answers).some((o) => o.value === s) ? { value: s } : err("invalid");
    case "province":
      return provinceByCode(s) ? { value: s } : err("provinceNotFound", { typed: s.slice(0, 60) });
    case "multi":
    case "toggles":
      return ticks(q, raw, answers);
    case "commune": {
      const parsed = shortTextSchema(100).safeParse(s);
      if (!parsed.success) return { error: firstError(parsed.error) };
      if (!lookup?.hasUnits) return { value: { code: null, name: parsed.data } };
      const typed = fold(parsed.data);
      const exact = lookup.matches.filter((m) => fold(m.name) === typed);
      if (exact.length === 1) return { value: exact[0]! };
      if (lookup.matches.length === 1) return { value: lookup.matches[0]! };
      if (lookup.matches.length === 0) return err("communeNotFound", { typed: parsed.data.slice(0, 60) });
      return err("pickCommune");
    }
    case "list": {
      const items: string[] = [];
      for (const part of s.split(/[;\n]+/).filter((p) => p.trim() !== "")) {
        const parsed = q.schema.safeParse(part);
        if (!parsed.success) return { error: firstError(parsed.error) };
        items.push(parsed.data);
      }
      return items.length > q.maxItems ? err("tooMany", { max: q.maxItems }) : { value: items };
    }
  }
}

/**
 * Reads a page's answers with the chat's validators, question by question in form order, so a condition
 * (a foreigner's passport, a child's missing ID) sees the answers before it exactly as in the chat. An empty
 * optional answer is a skip (null); an empty list of places is "nowhere".
 */
export async function readWebAnswers(db: DbOrTx, raw: RawAnswers, env: FormEnv): Promise<WebFormState> {
  const answers: Answers = {};
  const errors: Record<string, AnswerError> = {};
  const visible: string[] = [];
  const optional: string[] = [];
  const hiddenOptions: Record<string, string[]> = {};
  let communes: string[] = [];
  for (const q of FORM) {
    if (!applies(q, answers)) continue;
    visible.push(q.id);
    const canSkip = isOptional(q, answers, env);
    if (canSkip) optional.push(q.id);
    if (q.type === "choice" || q.type === "multi") {
      const offered = new Set(offeredOptions(q.options, answers).map((o) => o.value));
      const hidden = q.options.filter((o) => !offered.has(o.value)).map((o) => o.value);
      if (hidden.length > 0) hiddenOptions[q.id] = hidden;
    }
    const r = raw[q.id];
    if (r === undefined || isEmpty(r)) {
      if (q.type === "list") answers[q.id] = [];
      else if (canSkip) answers[q.id] = null;
      else
        errors[q.id] = {
          key: q.type === "multi" || q.type === "toggles" ? "pickOrNone" : "required",
          vars: {},
        };
      continue;
    }
    let lookup: Lookup | undefined;
    if (q.type === "commune" && typeof r === "string" && typeof answers.province === "string") {
      const hasUnits = (await countCommunes(db, answers.province)) > 0;
      const matches = hasUnits ? await searchCommunes(db, answers.province, r.slice(0, 100)) : [];
      lookup = { hasUnits, matches };
      communes = matches.map((m) => m.name);
    }
    const parsed = parseOne(q, r, answers, env, lookup);
    if ("value" in parsed) answers[q.id] = parsed.value;
    else errors[q.id] = parsed.error;
  }
  return { answers, errors, visible, optional, hiddenOptions, communes };
}

/** A stored answer as the page shows it in its field. */
export function toRaw(q: Question, value: Answer | undefined): RawAnswer | undefined {
  if (value === undefined || value === null) return undefined;
  switch (q.type) {
    case "multi":
      return Array.isArray(value) ? (value.length > 0 ? value.map(String) : [NONE]) : undefined;
    case "toggles": {
      const on = Object.entries(value as Record<string, boolean>)
        .filter(([, v]) => v === true)
        .map(([k]) => k);
      return on.length > 0 ? on : [NONE];
    }
    case "commune":
      return (value as { name: string }).name;
    case "list":
      return Array.isArray(value) ? value.join("; ") : undefined;
    default:
      return String(value);
  }
}

export interface WebField {
  id: string;
  type: Question["type"];
  label: string;
  example: string;
  /** Choices in order; `none` is the "none of these" label of tick questions. */
  options?: { value: string; label: string }[];
  none?: string;
}

/** Every question's wording for the page, in the person's language, from the declaration's own locale keys. */
export function webFields(t: TFunction): WebField[] {
  return FORM.map((q) => {
    const base = {
      id: q.id,
      type: q.type,
      label: t(`declaration:${q.key}.label`),
      example: t(`declaration:${q.key}.example`, { defaultValue: "" }),
    };
    const opt = (v: string) => ({ value: v, label: t(`declaration:${q.key}.opt.${v}`) });
    switch (q.type) {
      case "choice":
        return { ...base, options: q.options.map((o) => opt(o.value)) };
      case "multi":
        return { ...base, options: q.options.map((o) => opt(o.value)), none: t(`declaration:${q.key}.none`) };
      case "toggles":
        return { ...base, options: q.items.map(opt), none: t(`declaration:${q.key}.none`) };
      case "province":
        return { ...base, options: PROVINCES.map((p) => ({ value: p.code, label: p.name })) };
      default:
        return base;
    }
  });
}

/** What to put in the fields of a new declaration: the details of the last one (health is asked afresh). */
export function webPrefill(prefill: Answers): RawAnswers {
  const out: RawAnswers = {};
  for (const q of FORM) {
    if (q.group === "health") continue;
    const r = toRaw(q, prefill[q.id]);
    if (r !== undefined) out[q.id] = r;
  }
  return out;
}
