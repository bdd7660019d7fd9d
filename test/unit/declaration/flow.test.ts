import { describe, expect, it } from "vitest";
import type { StepResult } from "../../../bot/core/types.js";
import { deriveStatus, initials } from "../../../bot/features/declaration/answers.js";
import { createDeclarationFlow } from "../../../bot/features/declaration/flow.js";
import { parseDeclarePayload } from "../../../bot/features/declaration/flow-load.js";
import { revealIdNumber } from "../../../bot/features/declaration/flow-secrets.js";
import { type Answers, FORM, questionById } from "../../../bot/features/declaration/form.js";
import { i18n, stepContext } from "../../support/context.js";
import {
  allText,
  buttons,
  drive,
  declarationFlow as flow,
  loadedFor,
  option,
  replyText,
  startLoad,
  testSealingKey,
  typed,
  validInput,
} from "../../support/declaration.js";

const ctx = stepContext({ lang: "vi", user: { phone: "+84912345678" } });
const en = stepContext({ lang: "en", user: { phone: "+84912345678" } });
const start = (c = ctx, extra = {}) => flow.start({ ...c, loaded: startLoad(extra) }, "");
const answers = (r: StepResult) => r.state?.data.answers as Answers;

/** Answers every question with a valid input until `stop` (a question id) or the summary. */
function answerUntil(first: StepResult, stop?: string, c = ctx): StepResult {
  let r = first;
  while (r.state?.step.startsWith("q.") && r.state.step !== `q.${stop}`) {
    const q = questionById(r.state.step.slice(2))!;
    r = drive(c, r, [validInput(q, answers(r))]);
  }
  return r;
}

const LAST: Answers = {
  fullName: "Trần Thị Bình",
  birthYear: 1990,
  gender: "female",
  nationality: "VN",
  idNumber: "•••••••••345",
  insuranceNo: null,
  province: "79",
  commune: { code: "26734", name: "Phường Bến Thành" },
  street: "12 Lê Lợi",
  places: ["Đà Nẵng"],
  symptoms: ["cough"],
  exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
  chronic: ["pregnancy"],
  vaccineDoses: "3",
};

describe("declaration flow: a first declaration", () => {
  it("asks every question in form order, then the summary with the pledge", () => {
    const asked: string[] = [];
    let r = start();
    while (r.state?.step.startsWith("q.")) {
      asked.push(r.state.step.slice(2));
      r = drive(ctx, r, [validInput(questionById(r.state.step.slice(2))!, answers(r))]);
    }
    expect(asked).toEqual(FORM.filter((q) => q.id !== "nationalityOther").map((q) => q.id));
    expect(r.state?.step).toBe("summary");
    expect(allText(r)).toContain("Khai báo thông tin sai là vi phạm pháp luật Việt Nam");
    expect(buttons(r.replies.at(-1))).toEqual([
      "declaration:confirm",
      "declaration:change",
      "declaration:back",
    ]);
  });

  it("submits the answers with the form version when the pledge is accepted", () => {
    const done = drive(ctx, answerUntil(start()), [option("declaration:confirm")]);
    expect(done.state).toBeNull();
    expect(done.effects).toEqual([
      expect.objectContaining({ type: "declaration.submit", personId: null, formVersion: 1 }),
    ]);
    const effect = done.effects?.[0];
    const submitted = effect?.type === "declaration.submit" ? effect.answers : {};
    expect(submitted).toMatchObject({ fullName: "Nguyễn Văn An", birthYear: 1985, idNumber: "•••••••••345" });
    expect(deriveStatus(submitted)).toBe("green");
    // The number itself rides sealed beside its mask, and the submit opens it with the drafts' key.
    const sealed = effect?.type === "declaration.submit" ? effect.idSealed : undefined;
    expect(sealed).toBeTypeOf("string");
    expect(sealed).not.toContain("001203012345");
    expect(revealIdNumber(submitted, sealed, testSealingKey).idNumber).toBe("001203012345");
    expect(revealIdNumber(submitted, sealed, Buffer.alloc(32, 1)).idNumber).toBe("•••••••••345");
  });

  it("keeps a typed ID or insurance number out of the conversation state, masked", () => {
    const r = answerUntil(start(), "province");
    const state = JSON.stringify(r.state);
    expect(state).not.toContain("001203012345");
    expect(answers(r)).toMatchObject({ idNumber: "•••••••••345", insuranceNo: "••••••••••••789" });
    expect(JSON.stringify(r.effects)).not.toContain("001203012345");
    expect(JSON.stringify(r.effects)).not.toContain("DN4010123456789");
    // Back to the question and Keep: the mask stays, and so does what was sealed with it.
    const back = drive(ctx, r, [option("declaration:back"), option("declaration:back")]);
    expect(back.state?.step).toBe("q.idNumber");
    const kept = drive(ctx, back, [option("declaration:keep")]);
    expect(answers(kept).idNumber).toBe("•••••••••345");
    expect(kept.state?.data.idSealed).toBe(r.state?.data.idSealed);
  });

  it("keeps a draft of every answer given", () => {
    const r = drive(ctx, start(), [typed("Nguyễn Văn An")]);
    expect(r.effects).toEqual([
      { type: "declaration.saveDraft", personId: null, step: "q.birthYear", data: r.state?.data },
    ]);
    expect(start().effects ?? []).toEqual([]);
  });

  it("goes back to the previous question with its answer kept, then on to where it was", () => {
    const atGender = drive(ctx, start(), [typed("Nguyễn Văn An"), typed("1985")]);
    const back = drive(ctx, atGender, [option("declaration:back")]);
    expect(back.state?.step).toBe("q.birthYear");
    expect(allText(back)).toContain("Câu trả lời hiện tại: 1985");
    expect(buttons(back.replies[0])).toContain("declaration:keep");
    const twice = drive(ctx, back, [option("declaration:back")]);
    expect(twice.state?.step).toBe("q.fullName");
    expect(buttons(twice.replies[0])).not.toContain("declaration:back");
    // Fixed, it goes straight on to the first question not answered yet.
    const again = drive(ctx, twice, [typed("Nguyễn Văn Bình")]);
    expect(again.state?.step).toBe("q.gender");
    expect(answers(again)).toEqual({ fullName: "Nguyễn Văn Bình", birthYear: 1985 });
    const kept = drive(ctx, back, [option("declaration:keep")]);
    expect(kept.state?.step).toBe("q.gender");
    expect(answers(kept)).toEqual({ fullName: "Nguyễn Văn An", birthYear: 1985 });
  });

  it("ticks a multi-select by editing the message, and Done takes the ticks", () => {
    const at = answerUntil(start(), "symptoms");
    const ticked = drive(ctx, at, [option("declaration:t:symptoms:fever")]);
    expect(ticked.replies).toHaveLength(1);
    expect(ticked.replies[0]).toMatchObject({ kind: "text", edit: true });
    const labels =
      ticked.replies[0]?.kind === "text" ? ticked.replies[0].options?.flat().map((o) => o.label) : [];
    expect(labels).toContain("✅ Sốt");
    const twice = drive(ctx, ticked, [
      option("declaration:t:symptoms:cough"),
      option("declaration:t:symptoms:fever"),
    ]);
    const done = drive(ctx, twice, [option("declaration:done")]);
    expect(answers(done).symptoms).toEqual(["cough"]);
    expect(done.state?.step).toBe("q.exposures");
  });

  it("makes the status yellow for an exposure and red for a symptom", () => {
    const at = answerUntil(start(), "exposures");
    const exposed = drive(ctx, at, [
      option("declaration:t:exposures:outbreakArea"),
      option("declaration:done"),
    ]);
    expect(answers(exposed).exposures).toEqual({
      covidCase: false,
      outbreakArea: true,
      symptomaticPerson: false,
    });
    expect(deriveStatus(answers(exposed))).toBe("yellow");
    expect(deriveStatus({ ...answers(exposed), symptoms: ["fever"] })).toBe("red");
  });

  it("offers pregnancy only to women", () => {
    const man = answerUntil(start(), "chronic");
    expect(buttons(man.replies.at(-1))).not.toContain("declaration:t:chronic:pregnancy");
    const woman = answerUntil(
      drive(ctx, start(), [typed("Lê Thị Hoa"), typed("1990"), option("declaration:a:gender:female")]),
      "chronic",
    );
    expect(buttons(woman.replies.at(-1))).toContain("declaration:t:chronic:pregnancy");
  });

  it("asks a foreigner for the nationality and a passport, not for health insurance", () => {
    const at = drive(ctx, start(), [typed("John Smith"), typed("1980"), option("declaration:a:gender:male")]);
    const other = drive(ctx, at, [option("declaration:a:nationality:other")]);
    expect(other.state?.step).toBe("q.nationalityOther");
    const passport = drive(ctx, other, [typed("Pháp")]);
    expect(passport.state?.step).toBe("q.idNumber");
    const next = drive(ctx, passport, [typed("18AB12345")]);
    expect(next.state?.step).toBe("q.province");
    expect(answers(next)).toMatchObject({
      nationality: "other",
      nationalityOther: "Pháp",
      idNumber: "••••••345",
    });
  });

  it("lets a child under 14 skip the ID number", () => {
    const at = drive(ctx, start(), [
      typed("Nguyễn Bé Na"),
      typed("2020"),
      option("declaration:a:gender:female"),
    ]);
    const id = drive(ctx, at, [option("declaration:a:nationality:VN")]);
    expect(buttons(id.replies.at(-1))).toContain("declaration:skip");
    expect(drive(ctx, id, [option("declaration:skip")]).state?.step).toBe("q.insuranceNo");
    const adult = answerUntil(start(), "idNumber");
    expect(buttons(adult.replies.at(-1))).not.toContain("declaration:skip");
  });

  it("finds a province from a typed name without diacritics", () => {
    const at = answerUntil(start(), "province");
    expect(answers(drive(ctx, at, [typed("ho chi minh")])).province).toBe("79");
    const several = drive(ctx, at, [typed("ha")]);
    expect(several.state?.step).toBe("q.province");
    expect(buttons(several.replies[0]).length).toBeGreaterThan(1);
    expect(answers(drive(ctx, several, [option("declaration:a:province:42")])).province).toBe("42");
  });

  it("offers matching communes as buttons, and takes one pressed", () => {
    const at = answerUntil(start(), "commune");
    const lookup = {
      kind: "commune" as const,
      truncated: false,
      matches: [
        { code: "00004", name: "Phường Ba Đình" },
        { code: "09999", name: "Xã Ba Vì" },
      ],
    };
    const offered = drive(ctx, at, [typed("ba")], lookup);
    expect(buttons(offered.replies[0])).toEqual(
      expect.arrayContaining(["declaration:a:commune:00004", "declaration:a:commune:09999"]),
    );
    const picked = drive(ctx, offered, [option("declaration:a:commune:00004")]);
    expect(answers(picked).commune).toEqual({ code: "00004", name: "Phường Ba Đình" });
    const none = drive(ctx, at, [typed("khong co")], { kind: "commune", truncated: false, matches: [] });
    expect(allText(none)).toContain("Không tìm thấy xã/phường nào có tên «khong co»");
  });

  it("collects places typed in several messages", () => {
    const at = answerUntil(start(), "places");
    const r = drive(ctx, at, [typed("Đà Nẵng; Hải Phòng"), typed("Huế"), option("declaration:done")]);
    expect(answers(r).places).toEqual(["Đà Nẵng", "Hải Phòng", "Huế"]);
  });
});

describe("declaration flow: bad input", () => {
  const cases = [
    {
      at: "birthYear",
      input: typed("1850"),
      vi: "Năm sinh phải từ 1900 đến 2026.",
      en: "between 1900 and 2026",
    },
    { at: "birthYear", input: typed("85"), vi: "Năm sinh gồm 4 chữ số.", en: "4 digits" },
    { at: "idNumber", input: typed("00120301234"), vi: "bạn đã gõ 11 chữ số", en: "you typed 11 digits" },
    { at: "fullName", input: typed("x".repeat(5000)), vi: "tối đa 100 ký tự", en: "at most 100 characters" },
    {
      at: "fullName",
      input: { kind: "photo" as const, fileRef: "f" },
      vi: "gõ câu trả lời bằng chữ",
      en: "type your answer",
    },
    { at: "gender", input: typed("hmm"), vi: "bấm một trong các nút", en: "press one of the buttons" },
    { at: "insuranceNo", input: typed("12345"), vi: "Số thẻ BHYT gồm", en: "health insurance card number" },
  ];
  it.each(cases)(
    "$at: $input.kind is refused with an example, answers kept",
    ({ at, input, vi, en: english }) => {
      for (const [c, expected] of [
        [ctx, vi],
        [en, english],
      ] as const) {
        const before = answerUntil(start(c), at, c);
        const after = drive(c, before, [input]);
        expect(after.state).toEqual(before.state);
        expect(replyText(after.replies[0])).toContain(expected);
        expect(replyText(after.replies[1])).toBe(replyText(before.replies.at(-1)));
      }
    },
  );

  it("gives an example with the error", () => {
    const r = drive(ctx, answerUntil(start(), "idNumber"), [typed("123")]);
    expect(replyText(r.replies[0])).toContain("Ví dụ: 001203012345");
  });
});

describe("declaration flow: summary, repeat and resume", () => {
  it("changes one answer from the summary and comes back to it", () => {
    const summary = answerUntil(start());
    const list = drive(ctx, summary, [option("declaration:change")]);
    expect(list.replies[0]).toMatchObject({ edit: true });
    expect(buttons(list.replies[0])).toContain("declaration:edit:street");
    const asked = drive(ctx, list, [option("declaration:edit:street")]);
    expect(asked.state?.step).toBe("q.street");
    const back = drive(ctx, asked, [typed("Số 5 phố Huế")]);
    expect(back.state?.step).toBe("summary");
    expect(allText(back)).toContain("Địa chỉ: Số 5 phố Huế");
  });

  it("asks the commune again when the province changes", () => {
    const summary = answerUntil(start());
    const r = drive(ctx, summary, [
      option("declaration:change"),
      option("declaration:edit:province"),
      option("declaration:a:province:79"),
    ]);
    expect(r.state?.step).toBe("q.commune");
    const benThanh = { code: "26734", name: "Phường Bến Thành" };
    const done = drive(ctx, r, [typed("Bến Thành")], {
      kind: "commune",
      matches: [benThanh],
      truncated: false,
    });
    expect(done.state?.step).toBe("summary");
    expect(answers(done)).toMatchObject({ province: "79", commune: benThanh });
  });

  it("repeats a declaration with unchanged details in six messages, /declare included", () => {
    const first = start(ctx, { prefill: LAST, hasLast: true });
    expect(first.state?.step).toBe("same");
    expect(allText(first)).toContain("Trần Thị Bình");
    const inputs = [
      option("declaration:same:yes"),
      option("declaration:none"),
      option("declaration:none"),
      option("declaration:none"),
      option("declaration:confirm"),
    ];
    const done = drive(ctx, first, inputs);
    expect(1 + inputs.length).toBeLessThanOrEqual(6);
    expect(done.state).toBeNull();
    const submitted = done.effects?.[0]?.type === "declaration.submit" ? done.effects[0].answers : {};
    expect(submitted).toMatchObject({
      fullName: "Trần Thị Bình",
      idNumber: "•••••••••345",
      places: [],
      symptoms: [],
    });
    expect(deriveStatus(submitted)).toBe("green");
  });

  it("changes a detail of a repeat declaration, then asks only the health questions", () => {
    const first = start(ctx, { prefill: LAST, hasLast: true });
    const list = drive(ctx, first, [option("declaration:same:change")]);
    expect(buttons(list.replies[0])).not.toContain("declaration:edit:symptoms");
    const edited = drive(ctx, list, [option("declaration:edit:street"), typed("99 Nguyễn Huệ")]);
    expect(edited.state?.step).toBe("change");
    const cont = drive(ctx, edited, [option("declaration:continue")]);
    expect(cont.state?.step).toBe("q.places");
  });

  it("offers to resume an interrupted declaration, or to start again", () => {
    const half = drive(ctx, start(), [typed("Nguyễn Văn An"), typed("1985")]);
    const draft = { step: half.state!.step, data: half.state!.data };
    const again = start(ctx, { draft });
    expect(again.state?.step).toBe("resume");
    expect(allText(again)).toContain("Giới tính");
    const resumed = drive(ctx, again, [option("declaration:resume:go")]);
    expect(resumed.state?.step).toBe("q.gender");
    expect(answers(resumed)).toEqual({ fullName: "Nguyễn Văn An", birthYear: 1985 });
    const fresh = drive(ctx, again, [option("declaration:resume:new")]);
    expect(fresh.state?.step).toBe("q.fullName");
    expect(fresh.effects).toEqual([{ type: "declaration.dropDraft", personId: null }]);
  });

  it("declares for a dependent with their name and year already filled", () => {
    const r = start(ctx, {
      personId: 7,
      who: "Nguyễn Thị Cúc",
      prefill: { fullName: "Nguyễn Thị Cúc", birthYear: 1950 },
    });
    expect(r.state?.step).toBe("q.gender");
    expect(allText(r)).toContain("Khai hộ cho: Nguyễn Thị Cúc");
    const done = drive(ctx, answerUntil(r), [option("declaration:confirm")]);
    expect(done.effects?.[0]).toMatchObject({ type: "declaration.submit", personId: 7 });
  });

  it("hands over to a follow-up flow named by the wiring, and to no other", () => {
    const withCheckin = createDeclarationFlow({ followUps: ["checkin"] });
    const run = (payload: string) => {
      let r = withCheckin.start({ ...ctx, loaded: startLoad() }, payload);
      while (r.state?.step.startsWith("q.")) {
        const q = questionById(r.state.step.slice(2))!;
        const input = validInput(q, answers(r));
        r = withCheckin.step(r.state, input, { ...ctx, loaded: loadedFor(r.state.step, input) });
      }
      return withCheckin.step(r.state!, option("declaration:confirm"), ctx).effects?.[0];
    };
    expect(run("checkin cp_abc")).toMatchObject({ next: { flow: "checkin", payload: "cp_abc" } });
    expect(run("p12 checkin cp_abc")).toMatchObject({ next: { flow: "checkin", payload: "cp_abc" } });
    expect(run("delete")).not.toHaveProperty("next");
    expect(parseDeclarePayload("p:12 checkin cp_x")).toEqual({ personId: 12, after: "checkin cp_x" });
    expect(parseDeclarePayload("")).toEqual({ personId: null, after: "" });
  });

  it("writes initials for the QR caption", () => {
    expect(initials("Nguyễn Văn An")).toBe("N.V.A.");
    expect(initials("  đỗ   thị  ánh ")).toBe("Đ.T.Á.");
  });
});

describe("the form's locale keys", () => {
  it.each(["vi", "en"] as const)("all exist in %s", (lng) => {
    const missing: string[] = [];
    const need = (key: string) => {
      if (!i18n.instance.exists(`declaration:${key}`, { lng })) missing.push(key);
    };
    for (const q of FORM) {
      need(`${q.key}.ask`);
      need(`${q.key}.label`);
      if (q.type === "choice" || q.type === "multi")
        for (const o of q.options) need(`${q.key}.opt.${o.value}`);
      if (q.type === "toggles")
        for (const i of q.items) {
          need(`${q.key}.opt.${i}`);
          need(`${q.key}.short.${i}`);
        }
      if (q.type === "multi" || q.type === "toggles" || q.type === "list") need(`${q.key}.none`);
      if (q.type === "text" || q.type === "year") need(`${q.key}.example`);
    }
    expect(missing).toEqual([]);
  });
});
