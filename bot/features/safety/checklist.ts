import { z } from "zod";
import { SAFETY_RATINGS, type SafetyRating } from "../../../db/schema/safety.js";

export { SAFETY_RATINGS, type SafetyRating };

export const ANSWERS = ["yes", "no", "na"] as const;
export type Answer = (typeof ANSWERS)[number];

export interface ChecklistItem {
  id: string;
  /** The heading the item belongs to (entrance control, hygiene…), for the summary. */
  group: "entrance" | "hygiene" | "space" | "people";
  /** Items without an honest "not applicable" (a place always has an entrance). */
  required?: boolean;
}

/**
 * The venue checklist as data, like the declaration form: a new version is a new object, and each stored
 * assessment keeps the version it answered. Texts live in locales/<lang>/safety.json under items.<id>.
 * A rating is the first threshold whose minimum the score reaches, best first.
 */
export interface Checklist {
  version: number;
  items: ChecklistItem[];
  thresholds: { rating: SafetyRating; minScore: number }[];
}

export const CHECKLIST: Checklist = {
  version: 1,
  items: [
    { id: "qrPosted", group: "entrance", required: true },
    { id: "scanEnforced", group: "entrance", required: true },
    { id: "checkout", group: "entrance" },
    { id: "masks", group: "hygiene", required: true },
    { id: "handwash", group: "hygiene", required: true },
    { id: "distance", group: "space" },
    { id: "ventilation", group: "space" },
    { id: "cleaning", group: "hygiene" },
    { id: "staffDeclarations", group: "people" },
    { id: "isolationPlan", group: "people" },
    { id: "personInCharge", group: "people", required: true },
  ],
  thresholds: [
    { rating: "safe", minScore: 90 },
    { rating: "low", minScore: 75 },
    { rating: "medium", minScore: 50 },
    { rating: "high", minScore: 0 },
  ],
};

export const answerSchema = z.object({
  answer: z.enum(ANSWERS),
  note: z.string().max(200).optional(),
});
export type ItemAnswer = z.infer<typeof answerSchema>;
export const answersSchema = z.record(z.string(), answerSchema);
export type Answers = z.infer<typeof answersSchema>;

export const NOTE_MAX = 200;

export interface Result {
  score: number;
  rating: SafetyRating;
  /** Items answered no, in checklist order. */
  gaps: string[];
}

/**
 * The score is the share of applicable items answered yes, rounded down; "not applicable" leaves an item out.
 * Every item must be answered, and a required item cannot be "not applicable": null otherwise.
 */
export function scoreAnswers(list: Checklist, answers: Answers): Result | null {
  let yes = 0;
  let applicable = 0;
  const gaps: string[] = [];
  for (const item of list.items) {
    const a = answers[item.id];
    if (!a || (a.answer === "na" && item.required)) return null;
    if (a.answer === "na") continue;
    applicable += 1;
    if (a.answer === "yes") yes += 1;
    else gaps.push(item.id);
  }
  const score = applicable === 0 ? 0 : Math.floor((100 * yes) / applicable);
  const rating = list.thresholds.find((th) => score >= th.minScore)?.rating ?? "high";
  return { score, rating, gaps };
}

/** Whether the checklist is usable: known ratings in order, unique items. Checked by a unit test. */
export function checklistProblems(list: Checklist): string[] {
  const problems: string[] = [];
  const ids = list.items.map((i) => i.id);
  if (new Set(ids).size !== ids.length) problems.push("duplicate item ids");
  const mins = list.thresholds.map((t) => t.minScore);
  if (mins.some((m, i) => i > 0 && m >= mins[i - 1]!)) problems.push("thresholds must fall");
  if (mins.at(-1) !== 0) problems.push("the last threshold must start at 0");
  return problems;
}
