import type { Input, Reply, StepContext, StepResult } from "../../bot/core/types.js";
import { createDeclarationFlow } from "../../bot/features/declaration/flow.js";
import type { CommuneLookup } from "../../bot/features/declaration/flow-answer.js";
import type { StartLoad } from "../../bot/features/declaration/flow-load.js";
import { type Answers, FORM, offeredOptions, type Question } from "../../bot/features/declaration/form.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { i18n } from "./context.js";

export const declarationFlow = createDeclarationFlow();

export const option = (data: string): Input => ({ kind: "option", data });
export const typed = (text: string): Input => ({ kind: "text", text });

/** A valid answer to each question, as a person would give it. */
const SAMPLE_TEXT: Record<string, string> = {
  fullName: "Nguyễn Văn An",
  nationalityOther: "Pháp",
  idNumber: "001203012345",
  insuranceNo: "DN4010123456789",
  street: "Số 12 ngõ 34 phố Đội Cấn",
};

export function validInput(q: Question, answers: Answers): Input {
  switch (q.type) {
    case "text":
      return typed(SAMPLE_TEXT[q.id] ?? "Một câu trả lời");
    case "year":
      return typed("1985");
    case "choice":
      return option(`declaration:a:${q.id}:${offeredOptions(q.options, answers)[0]!.value}`);
    case "province":
      return option(`declaration:a:${q.id}:01`);
    case "commune":
      return typed("Ba Đình");
    default:
      return option("declaration:none");
  }
}

export function startLoad(extra: Partial<StartLoad> = {}): StartLoad {
  return {
    kind: "start",
    personId: null,
    who: null,
    notFound: false,
    prefill: {},
    hasLast: false,
    draft: null,
    ...extra,
  };
}

/** What the commune step's load finds for the sample answer "Ba Đình" in Hà Nội: the one official ward. */
export const baDinh: CommuneLookup = {
  kind: "commune",
  matches: [{ code: "00004", name: "Phường Ba Đình" }],
  truncated: false,
};

export const replyText = (r: Reply | undefined) =>
  r?.kind === "text" ? r.text : r?.kind === "photo" ? (r.caption ?? "") : "";
export const allText = (r: StepResult) => r.replies.map(replyText).join("\n");
export const buttons = (r: Reply | undefined) =>
  r?.kind === "text" ? (r.options ?? []).flat().map((o) => o.id) : [];

/** The key the ID-number step's load would read (the drafts' sealing key), fixed for unit tests. */
export const testSealingKey = Buffer.alloc(32, 7);

/** What the flow's load would read before this input: communes for a typed name, the key for an ID number. */
export function loadedFor(step: string, input: Input, lookup: CommuneLookup = baDinh) {
  if (input.kind !== "text") return undefined;
  if (step === "q.commune") return lookup;
  if (step === "q.idNumber") return { kind: "sealing" as const, key: testSealingKey };
  return undefined;
}

/** Feeds inputs one by one, handing each step what its load would read. */
export function drive(ctx: StepContext, first: StepResult, inputs: Input[], lookup: CommuneLookup = baDinh) {
  let result = first;
  for (const input of inputs) {
    if (!result.state) throw new Error("the flow ended early");
    const loaded = loadedFor(result.state.step, input, lookup);
    result = declarationFlow.step(result.state, input, { ...ctx, loaded });
  }
  return result;
}

/**
 * Over the fake Bot API: answers whatever question is on screen until the summary (or until the question
 * `stopAt` is asked), as a hurried but valid person would.
 */
export async function answerRest(u: ScriptedUser, lang: "vi" | "en", stopAt?: string) {
  const t = i18n.t(lang);
  for (let i = 0; i < 25; i++) {
    const data = u
      .keyboard()
      .inline.flat()
      .map((b) => b.data ?? "");
    if (data.includes("declaration:confirm")) return;
    const text = u.lastText() ?? "";
    const q = FORM.find((x) => text.includes(`) ${t(`declaration:${x.key}.ask`)}`));
    if (!q) throw new Error(`no question on screen: ${text}`);
    if (q.id === stopAt) return;
    const press = data.find((d) => d.startsWith(`declaration:a:${q.id}:`));
    const input = validInput(q, {} as Answers);
    if (press && q.type !== "choice") await u.press(press);
    else if (input.kind === "option") await u.press(input.data);
    else if (input.kind === "text") await u.text(input.text);
  }
  throw new Error("the form never reached its summary");
}
