import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Input, StepResult } from "../../../bot/core/types.js";
import {
  type Answers,
  offeredOptions,
  type Question,
  questionById,
} from "../../../bot/features/declaration/form.js";
import { i18n, stepContext } from "../../support/context.js";
import { declarationFlow, drive, option, replyText, startLoad, typed } from "../../support/declaration.js";

/** A valid answer chosen by `n`, so each run walks the form with different earlier answers. */
function validInput(q: Question, answers: Answers, n: number): Input[] {
  const pick = <T>(xs: readonly T[]) => xs[n % xs.length]!;
  switch (q.type) {
    case "text":
      if (q.id === "fullName")
        return [typed(pick(["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng", "Đỗ Thị Ánh Dương"]))];
      if (q.id === "idNumber")
        return [
          typed(answers.nationality === "VN" ? pick(["001203012345", "012345678", "C1234567"]) : "18AB12345"),
        ];
      if (q.id === "insuranceNo") return n % 2 ? [option("declaration:skip")] : [typed("DN4010123456789")];
      return [typed(pick(["Pháp", "Số 1 Tràng Tiền", "Thôn Đông, xóm 3"]))];
    case "year":
      return [typed(String(1900 + (n % 127)))];
    case "choice":
      return [option(`declaration:a:${q.id}:${pick(offeredOptions(q.options, answers)).value}`)];
    case "multi": {
      const value = pick(offeredOptions(q.options, answers)).value;
      return n % 2
        ? [option("declaration:none")]
        : [option(`declaration:t:${q.id}:${value}`), option("declaration:done")];
    }
    case "toggles":
      return n % 2
        ? [option("declaration:none")]
        : [option(`declaration:t:${q.id}:${pick(q.items)}`), option("declaration:done")];
    case "province":
      return n % 2 ? [option("declaration:a:province:79")] : [typed("ha noi")];
    case "commune":
      return [typed(pick(["Ba Đình", "Bến Thành", "Xã Tam Hưng"]))];
    case "list":
      return n % 2 ? [option("declaration:none")] : [typed("Đà Nẵng"), option("declaration:done")];
  }
}

type Bad =
  | "photo"
  | "location"
  | "contact"
  | "document"
  | "longText"
  | "oldYear"
  | "cccd11"
  | "typedOnButtons";

const BAD_INPUT: Record<Bad, Input> = {
  photo: { kind: "photo", fileRef: "AgAD" },
  location: { kind: "location", latitude: 21.03, longitude: 105.85 },
  contact: { kind: "contact", phone: "+84912345678", own: true },
  document: { kind: "document", fileRef: "BQAD", fileName: "a.pdf" },
  longText: typed("ă".repeat(5000)),
  oldYear: typed("1899"),
  cccd11: typed("00120301234"),
  typedOnButtons: typed("có lẽ vậy"),
};

const TYPED = new Set(["text", "year", "commune", "list"]);

/** The message a bad input must get at a question (key and variables), or undefined when it does not apply. */
function expected(q: Question, bad: Bad): { key: string; vars?: Record<string, unknown> } | undefined {
  const typedQuestion = TYPED.has(q.type);
  switch (bad) {
    case "photo":
    case "location":
    case "contact":
    case "document":
      return { key: typedQuestion ? "expectText" : "useButtons" };
    case "longText": {
      const max: Record<string, number> = {
        fullName: 100,
        nationalityOther: 60,
        idNumber: 12,
        insuranceNo: 15,
        street: 200,
      };
      if (q.type === "text") return { key: "tooLong", vars: { max: max[q.id] } };
      if (q.type === "year") return { key: "tooLong", vars: { max: 4 } };
      if (q.type === "commune" || q.type === "province") return { key: "tooLong", vars: { max: 100 } };
      if (q.type === "list") return { key: "tooLong", vars: { max: 200 } };
      return { key: "useButtons" };
    }
    case "oldYear":
      return q.type === "year" ? { key: "yearRange", vars: { min: 1900, max: 2026 } } : undefined;
    case "cccd11":
      return q.id === "idNumber" ? { key: "idDigits", vars: { count: 11 } } : undefined;
    case "typedOnButtons":
      return typedQuestion || q.type === "province" ? undefined : { key: "useButtons" };
  }
}

const NOW = new Date("2026-11-26T03:00:00Z");

describe("declaration form: bad input at every step (property)", () => {
  it("gets the right localized message and keeps every earlier answer", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("vi" as const, "en" as const),
        fc.array(fc.nat({ max: 1000 }), { minLength: 20, maxLength: 20 }),
        fc.nat({ max: 16 }),
        fc.constantFrom<Bad>(
          "photo",
          "location",
          "contact",
          "document",
          "longText",
          "oldYear",
          "cccd11",
          "typedOnButtons",
        ),
        (lang, choices, stopAt, bad) => {
          const ctx = stepContext({ lang, now: NOW, user: { phone: "+84912345678" } });
          let r: StepResult = declarationFlow.start({ ...ctx, loaded: startLoad() }, "");
          // Walk to the stopAt-th question (or the last one), answering validly.
          for (let i = 0; i < stopAt && r.state?.step.startsWith("q."); i++) {
            const q = questionById(r.state.step.slice(2))!;
            const next = drive(ctx, r, validInput(q, r.state.data.answers as Answers, choices[i]!));
            if (!next.state?.step.startsWith("q.")) break;
            r = next;
          }
          const state = r.state!;
          const q = questionById(state.step.slice(2))!;
          const want = expected(q, bad);
          fc.pre(want !== undefined);
          const after = drive(ctx, r, [BAD_INPUT[bad]]);
          const message = i18n.t(lang)(`declaration:errors.${want!.key}`, want!.vars ?? {});
          expect(after.state).toEqual(state);
          expect(replyText(after.replies[0])).toContain(message);
          expect(replyText(after.replies.at(-1))).toBe(replyText(r.replies.at(-1)));
        },
      ),
      { numRuns: 200, seed: 20260701 },
    );
  });
});
