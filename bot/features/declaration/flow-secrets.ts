import { isMasked, maskNumber, normalizeIdNumber } from "../../shared/id-hash.js";
import { seal, unseal } from "../../shared/sealing.js";
import type { Data } from "./flow-state.js";
import type { Answer, Answers, Question } from "./form.js";

/**
 * What the ID-number step's load reads: the key drafts are sealed under. The conversation state (the
 * `sessions` row, and the draft saved from it) never holds a typed ID number in clear: the answer kept is
 * its mask ("•••••••••345", what every screen shows), and the number itself is sealed beside it, for the
 * submit to hash. The insurance number is only ever stored masked, so its mask is all the flow keeps.
 */
export interface SealingLoad {
  kind: "sealing";
  key: Buffer;
}

/** The answer and the flow's data once a typed number is masked (and the ID number sealed). */
export function keepSecret(
  q: Question,
  value: Answer,
  data: Data,
  loaded: unknown,
): { value: Answer; data: Data } {
  if (q.id !== "idNumber" && q.id !== "insuranceNo") return { value, data };
  if (typeof value !== "string") {
    if (q.id !== "idNumber") return { value, data };
    const { idSealed: _, ...rest } = data;
    return { value, data: rest };
  }
  // A mask is "the number already held" (prefilled, or kept with Keep): what was sealed with it stays.
  if (isMasked(value)) return { value, data };
  const number = normalizeIdNumber(value);
  if (q.id === "insuranceNo") return { value: maskNumber(number), data };
  const sealing = loaded as SealingLoad | undefined;
  // The flow's load reads the key for every typed answer to this question; without it, nothing is kept.
  if (sealing?.kind !== "sealing") throw new Error("the ID number's sealing key was not loaded");
  return { value: maskNumber(number), data: { ...data, idSealed: seal(sealing.key, number) } };
}

/**
 * The answers to store: the ID number in clear again when the sealed one is the number its mask shows (a
 * mask without it means "the one already held", as it always did).
 */
export function revealIdNumber(answers: Answers, idSealed: string | undefined, key: Buffer): Answers {
  const shown = answers.idNumber;
  if (!idSealed || !isMasked(shown)) return answers;
  const number = unseal(key, idSealed);
  if (typeof number !== "string" || maskNumber(number) !== shown) return answers;
  return { ...answers, idNumber: number };
}
