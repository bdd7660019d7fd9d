import { text } from "../../core/replies.js";
import type { Reply, StepContext } from "../../core/types.js";
import { applicableQuestions, displayAnswer } from "./answers.js";
import { label } from "./flow-ask.js";
import { type Data, inScope, type Scope } from "./flow-state.js";
import { type Answers, questionById } from "./form.js";
import { declarationOptions } from "./options.js";

const id = declarationOptions.build;

const MAX_VALUE = 150;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function answerLines(answers: Answers, ctx: StepContext, scope?: Scope): string {
  return applicableQuestions(answers)
    .filter((q) => inScope(q, scope) && q.id in answers)
    .map((q) => `• ${label(q, ctx)}: ${clip(displayAnswer(q, answers[q.id], ctx.t), MAX_VALUE)}`)
    .join("\n");
}

function header(data: Data, ctx: StepContext): string {
  const name = typeof data.answers.fullName === "string" ? data.answers.fullName : (data.who ?? "");
  return ctx.t("declaration:summary.title", { name });
}

/** Every answer, then the pledge; confirming is accepting the pledge. */
export function summaryReply(data: Data, ctx: StepContext, edit = false): Reply {
  return text([header(data, ctx), answerLines(data.answers, ctx), ctx.t("declaration:pledge")].join("\n\n"), {
    edit,
    options: [
      [{ id: id("confirm"), label: ctx.t("declaration:buttons.confirm") }],
      [{ id: id("change"), label: ctx.t("declaration:buttons.change") }],
      [{ id: id("back"), label: ctx.t("declaration:buttons.back") }],
    ],
  });
}

/** One button per answer; "details" ends with Continue (repeat declaration), "all" with the summary. */
export function changeListReply(data: Data, scope: Scope, ctx: StepContext, edit = false): Reply {
  const options = applicableQuestions(data.answers)
    .filter((q) => inScope(q, scope) && q.id in data.answers)
    .map((q) => [
      {
        id: id("edit", q.id),
        label: clip(`✏️ ${label(q, ctx)}: ${displayAnswer(q, data.answers[q.id], ctx.t)}`, 60),
      },
    ]);
  const out =
    scope === "details"
      ? { id: id("continue"), label: ctx.t("declaration:buttons.continue") }
      : { id: id("summary"), label: ctx.t("declaration:buttons.toSummary") };
  return text(ctx.t("declaration:change.pick"), { edit, options: [...options, [out]] });
}

/** A repeat declaration: the details from last time, to confirm with one tap. */
export function sameReply(data: Data, ctx: StepContext): Reply {
  const body = [
    data.who ? ctx.t("declaration:for", { name: data.who }) : "",
    ctx.t("declaration:same.ask"),
    answerLines(data.answers, ctx, "details"),
  ];
  return text(body.filter(Boolean).join("\n\n"), {
    options: [
      [{ id: id("same", "yes"), label: ctx.t("declaration:buttons.sameYes") }],
      [{ id: id("same", "change"), label: ctx.t("declaration:buttons.sameChange") }],
    ],
  });
}

/** An interrupted declaration: carry on, or start again. */
export function resumeReply(data: Data, ctx: StepContext): Reply {
  const draft = data.draft;
  const at = draft?.step.startsWith("q.") ? questionById(draft.step.slice(2)) : undefined;
  const where = at ? ctx.t("declaration:resume.at", { question: label(at, ctx) }) : "";
  return text([ctx.t("declaration:resume.ask"), where].filter(Boolean).join("\n"), {
    options: [
      [{ id: id("resume", "go"), label: ctx.t("declaration:buttons.resume") }],
      [{ id: id("resume", "new"), label: ctx.t("declaration:buttons.restart") }],
    ],
  });
}
