import { describe, expect, it } from "vitest";
import {
  type Answer,
  type Answers,
  CHECKLIST,
  checklistProblems,
  scoreAnswers,
} from "../../../bot/features/safety/checklist.js";
import { i18n } from "../../support/context.js";

const ids = CHECKLIST.items.map((i) => i.id);
const answers = (no: number, na: string[] = []): Answers =>
  Object.fromEntries(
    ids.map((id, i) => {
      const answer: Answer = na.includes(id) ? "na" : i < no ? "no" : "yes";
      return [id, { answer }];
    }),
  );

describe("the safety checklist", () => {
  it("is versioned data with a text in both languages for every item", () => {
    expect(CHECKLIST.version).toBe(1);
    expect(checklistProblems(CHECKLIST)).toEqual([]);
    for (const lang of ["vi", "en"] as const) {
      const t = i18n.t(lang);
      for (const id of ids) {
        expect(t(`safety:items.${id}`)).not.toBe(`items.${id}`);
        expect(t(`safety:short.${id}`)).not.toBe(`short.${id}`);
      }
    }
  });

  it.each([
    { no: 0, na: [], score: 100, rating: "safe" },
    { no: 1, na: [], score: 90, rating: "safe" },
    { no: 2, na: [], score: 81, rating: "low" },
    { no: 2, na: ["ventilation", "distance"], score: 77, rating: "low" },
    { no: 3, na: [], score: 72, rating: "medium" },
    { no: 5, na: [], score: 54, rating: "medium" },
    { no: 6, na: [], score: 45, rating: "high" },
    { no: 11, na: [], score: 0, rating: "high" },
  ])("$no no, $na not applicable: $score → $rating", ({ no, na, score, rating }) => {
    expect(scoreAnswers(CHECKLIST, answers(no, na))).toMatchObject({ score, rating });
  });

  it("needs every item, and a required one cannot be not applicable", () => {
    const { masks: _, ...missing } = answers(0);
    expect(scoreAnswers(CHECKLIST, missing)).toBeNull();
    expect(scoreAnswers(CHECKLIST, answers(0, ["qrPosted"]))).toBeNull();
  });

  it("refuses thresholds that do not fall to 0", () => {
    expect(checklistProblems({ ...CHECKLIST, thresholds: [{ rating: "safe", minScore: 50 }] })).toEqual([
      "the last threshold must start at 0",
    ]);
  });
});
