import type { ActionsTaking, SpecOf } from "../../core/options.js";
import { text } from "../../core/replies.js";
import type { Input, Reply, StepContext, StepResult } from "../../core/types.js";
import { displayAnswer } from "./answers.js";
import { label, questionReply, questionTitle } from "./flow-ask.js";
import { changeListReply, summaryReply } from "./flow-screens.js";
import { type Data, nextQuestion, type Scope, stateOf } from "./flow-state.js";
import { type Answer, type Answers, applies, FORM, type Question, questionById } from "./form.js";
import { declarationOptions } from "./options.js";

/** The declaration's buttons that carry nothing. */
type Plain = ActionsTaking<SpecOf<typeof declarationOptions>, readonly []>;

/** Moving through the form: asking a question, taking an answer, going back, reaching the summary. */
export const envOf = (ctx: StepContext) => ({ now: ctx.now, timeZone: ctx.timeZone });
export const pressed = (input: Input, action: Plain) => declarationOptions.match(input, action) !== null;

/** Which of the two answers of the repeat shortcut ("same") or the resume question was pressed. */
export const choiceOf = (input: Input, action: "same" | "resume") =>
  declarationOptions.match(input, action)?.[0];

/** Drops answers of questions that no longer apply (a nationality typed, then Việt Nam chosen after all). */
export function prune(answers: Answers): Answers {
  const out = { ...answers };
  for (const q of FORM) if (q.id in out && !applies(q, out)) delete out[q.id];
  return out;
}

export function ask(q: Question, data: Data, ctx: StepContext, lead: Reply[] = []): StepResult {
  const existing = data.answers[q.id];
  const record = existing && typeof existing === "object" && !Array.isArray(existing) ? existing : {};
  const ticks =
    q.type === "multi" && Array.isArray(existing)
      ? existing
      : q.type === "toggles"
        ? q.items.filter((i) => (record as Record<string, unknown>)[i] === true)
        : undefined;
  const items = q.type === "list" && Array.isArray(existing) ? existing : undefined;
  const d: Data = { ...data, ticks, items, matches: undefined, page: undefined, truncated: undefined };
  return { state: stateOf(`q.${q.id}`, d), replies: [...lead, questionReply(q, d, ctx)] };
}

export function toSummary(data: Data, ctx: StepContext, lead: Reply[] = [], edit = false): StepResult {
  return { state: stateOf("summary", data), replies: [...lead, summaryReply(data, ctx, edit)] };
}

export function toChangeList(
  data: Data,
  scope: Scope,
  ctx: StepContext,
  lead: Reply[] = [],
  edit = false,
): StepResult {
  const d = { ...data, scope, editing: undefined };
  return { state: stateOf("change", d), replies: [...lead, changeListReply(d, scope, ctx, edit)] };
}

/** After an answer: the next unanswered question, else back to what was being edited, else the summary. */
export function continueFrom(data: Data, ctx: StepContext, lead: Reply[] = []): StepResult {
  const next = nextQuestion(data.answers, data.editing);
  if (next) return ask(next, data, ctx, lead);
  if (data.editing === "details") return toChangeList(data, "details", ctx, lead);
  return toSummary({ ...data, editing: undefined }, ctx, lead);
}

export function accept(q: Question, value: Answer, data: Data, ctx: StepContext, input: Input): StepResult {
  const before = data.answers[q.id];
  const answers: Answers = { ...data.answers, [q.id]: value };
  if (before !== undefined && JSON.stringify(before) !== JSON.stringify(value))
    for (const c of q.clears ?? []) delete answers[c];
  const next: Data = {
    ...data,
    answers: prune(answers),
    asked: [...data.asked.filter((x) => x !== q.id), q.id],
    ticks: undefined,
    items: undefined,
    matches: undefined,
    page: undefined,
    truncated: undefined,
  };
  // A pressed button's message keeps the question and shows the answer, without its buttons; a typed place
  // name is confirmed as it was understood ("ba dinh" → "Phường Ba Đình").
  const shown = displayAnswer(q, value, ctx.t);
  const ack =
    input.kind === "option"
      ? [text(`${questionTitle(q, data, ctx)}\n→ ${shown}`, { edit: true })]
      : q.type === "province" || q.type === "commune"
        ? [text(`✔ ${label(q, ctx)}: ${shown}`)]
        : [];
  return continueFrom(next, ctx, ack);
}

/** Back: out of an edit to where it started, else to the question answered last; null when there is none. */
export function back(data: Data, ctx: StepContext): StepResult | null {
  if (data.editing === "all") return toSummary({ ...data, editing: undefined }, ctx);
  if (data.editing === "details") return toChangeList(data, "details", ctx);
  const prev = questionById(data.asked.at(-1) ?? "");
  return prev ? ask(prev, { ...data, asked: data.asked.slice(0, -1) }, ctx) : null;
}
