import type { TFunction } from "i18next";
import { z } from "zod";
import { isMasked } from "../../shared/id-hash.js";
import { provinceByCode } from "../../shared/provinces.js";
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
import { localYear } from "./time.js";
import { MIN_YEAR } from "./validators.js";

export type Status = "green" | "yellow" | "red";

/** Red: any symptom; yellow: any exposure; green: neither. */
export function deriveStatus(a: Answers): Status {
  if (Array.isArray(a.symptoms) && a.symptoms.length > 0) return "red";
  const exposures = a.exposures;
  if (exposures && typeof exposures === "object" && !Array.isArray(exposures)) {
    if (Object.values(exposures).some((v) => v === true)) return "yellow";
  }
  return "green";
}

const communeSchema = z.object({ code: z.string().max(16).nullable(), name: z.string().min(1).max(200) });

/** Whether a stored answer (from a draft or the last declaration) still fits the question. */
export function validStoredAnswer(q: Question, value: unknown, answers: Answers, env: FormEnv): boolean {
  if (value === null) return isOptional(q, answers, env);
  switch (q.type) {
    case "text":
      if (typeof value !== "string") return false;
      if ((q.id === "idNumber" || q.id === "insuranceNo") && isMasked(value)) return true;
      return q.schema(answers, env).safeParse(value).success;
    case "year":
      return (
        Number.isInteger(value) &&
        Number(value) >= MIN_YEAR &&
        Number(value) <= localYear(env.now, env.timeZone)
      );
    case "choice":
      return typeof value === "string" && q.options.some((o) => o.value === value);
    case "multi":
      return Array.isArray(value) && value.every((v) => q.options.some((o) => o.value === v));
    case "toggles":
      return z.strictObject(Object.fromEntries(q.items.map((i) => [i, z.boolean()]))).safeParse(value)
        .success;
    case "province":
      return typeof value === "string" && provinceByCode(value) !== undefined;
    case "commune":
      return communeSchema.safeParse(value).success;
    case "list":
      return (
        Array.isArray(value) &&
        value.length <= q.maxItems &&
        value.every((v) => typeof v === "string" && q.schema.safeParse(v).success)
      );
  }
}

/**
 * Answers that still hold, in form order: unknown ids, answers of questions that no longer apply and values
 * that no longer validate are dropped (they will simply be asked). Multi-selects lose options no longer offered.
 */
export function sanitizeAnswers(raw: unknown, env: FormEnv): Answers {
  const input = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Answers = {};
  for (const q of FORM) {
    if (!(q.id in input) || !applies(q, out)) continue;
    let value = input[q.id];
    if (q.type === "multi" && Array.isArray(value)) {
      const offered = new Set(offeredOptions(q.options, out).map((o) => o.value));
      value = value.filter((v) => offered.has(v));
    }
    if (validStoredAnswer(q, value, out, env)) out[q.id] = value as Answer;
  }
  return out;
}

/** Every question that applies, in order, with its answer (undefined: not answered yet). */
export function applicableQuestions(answers: Answers): Question[] {
  return FORM.filter((q) => applies(q, answers));
}

export function displayAnswer(q: Question, value: Answer | undefined, t: TFunction): string {
  if (value === undefined) return "—";
  if (value === null) return t("declaration:skipped");
  const opt = (v: string) => t(`declaration:${q.key}.opt.${v}`);
  switch (q.type) {
    case "choice":
      return typeof value === "string" ? opt(value) : "—";
    case "multi":
      return Array.isArray(value) && value.length > 0
        ? value.map(opt).join(", ")
        : t(`declaration:${q.key}.none`);
    case "toggles": {
      const on = q.items.filter((i) => (value as Record<string, boolean>)[i] === true);
      return on.length > 0 ? on.map(opt).join("; ") : t(`declaration:${q.key}.none`);
    }
    case "province":
      return provinceByCode(String(value))?.name ?? String(value);
    case "commune":
      return (value as { name: string }).name;
    case "list":
      return Array.isArray(value) && value.length > 0 ? value.join("; ") : t(`declaration:${q.key}.none`);
    default:
      return String(value);
  }
}

/** Each answer of a declaration with its question's label, as the person reads it (their /mydata copy). */
export function describeAnswers(
  stored: Record<string, unknown>,
  t: TFunction,
): { label: string; value: string }[] {
  const answers = stored as Answers;
  return applicableQuestions(answers)
    .filter((q) => q.id in answers)
    .map((q) => ({ label: t(`declaration:${q.key}.label`), value: displayAnswer(q, answers[q.id], t) }));
}

/** "Nguyễn Văn An" → "N.V.A.": enough for a checkpoint to match a face, nothing more. */
export function initials(fullName: string): string {
  return fullName
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${[...w][0]?.toLocaleUpperCase("vi") ?? ""}.`)
    .join("");
}
