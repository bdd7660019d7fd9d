import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, Reply, StepContext, StepResult } from "../../core/types.js";
import { sanitizeAnswers } from "./answers.js";
import type {} from "./effects.js";
import { interpret } from "./flow-answer.js";
import { questionReply } from "./flow-ask.js";
import {
  type DeclarationLoad,
  loadForDeclaration,
  parseDeclarePayload,
  type StartLoad,
  type WebLinkSource,
  type WebLinks,
} from "./flow-load.js";
import {
  accept,
  ask,
  back,
  choiceOf,
  continueFrom,
  envOf,
  pressed,
  prune,
  toChangeList,
  toSummary,
} from "./flow-nav.js";
import { changeListReply, resumeReply, sameReply, summaryReply } from "./flow-screens.js";
import { keepSecret } from "./flow-secrets.js";
import { type Data, FLOW, nextQuestion, readData, stateOf } from "./flow-state.js";
import { applies, FORM, FORM_VERSION, isOptional, type Question, questionById } from "./form.js";
import { declarationOptions } from "./options.js";
import type { AnswerError } from "./validators.js";

function errorReply(q: Question, error: AnswerError, ctx: StepContext<DeclarationLoad>): Reply {
  const message = `⚠️ ${ctx.t(`declaration:errors.${error.key}`, error.vars)}`;
  const example = ctx.t(`declaration:${q.key}.example`, { defaultValue: "" });
  return text(example ? `${message}\n${ctx.t("declaration:example", { example })}` : message);
}

function onQuestion(
  q: Question,
  state: FlowState,
  input: Input,
  data: Data,
  ctx: StepContext<DeclarationLoad>,
): StepResult {
  if (pressed(input, "back")) return back(data, ctx) ?? { state, replies: [questionReply(q, data, ctx)] };
  if (pressed(input, "keep") && q.id in data.answers) return accept(q, data.answers[q.id]!, data, ctx, input);
  if (pressed(input, "skip") && isOptional(q, data.answers, envOf(ctx)))
    return accept(q, null, data, ctx, input);
  const outcome = interpret(q, input, data, ctx);
  switch (outcome.kind) {
    case "value": {
      const kept = keepSecret(q, outcome.value, data, ctx.loaded);
      return accept(q, kept.value, kept.data, ctx, input);
    }
    case "redraw":
      return {
        state: stateOf(state.step, outcome.data),
        replies: [questionReply(q, outcome.data, ctx, { edit: outcome.edit })],
      };
    case "error":
      return { state, replies: [errorReply(q, outcome.error, ctx), questionReply(q, data, ctx)] };
    case "stale":
      return { state, replies: [text(ctx.t("common:staleButton")), questionReply(q, data, ctx)] };
  }
}

function onSummary(
  state: FlowState,
  input: Input,
  data: Data,
  ctx: StepContext<DeclarationLoad>,
): StepResult {
  if (pressed(input, "confirm")) {
    const answers = sanitizeAnswers(data.answers, envOf(ctx));
    const missing = nextQuestion(answers);
    if (missing) return ask(missing, { ...data, answers }, ctx);
    const done = summaryReply(data, ctx);
    const sent = text(`${done.kind === "text" ? done.text : ""}\n\n${ctx.t("declaration:sent")}`, {
      edit: true,
    });
    return end([sent], {
      effects: [
        {
          type: "declaration.submit",
          personId: data.personId,
          formVersion: FORM_VERSION,
          answers,
          ...(data.idSealed ? { idSealed: data.idSealed } : {}),
          ...(data.after ? { next: followUp(data.after) } : {}),
        },
      ],
    });
  }
  if (pressed(input, "change")) return toChangeList(data, "all", ctx, [], true);
  if (pressed(input, "back")) return back(data, ctx) ?? { state, replies: prompt(state, ctx) };
  return stay(state, input, ctx);
}

function onChange(state: FlowState, input: Input, data: Data, ctx: StepContext<DeclarationLoad>): StepResult {
  const scope = data.scope ?? "all";
  const edit = declarationOptions.match(input, "edit");
  if (edit) {
    const q = questionById(edit[0]);
    if (q && applies(q, data.answers) && q.id in data.answers)
      return ask(q, { ...data, editing: scope, scope: undefined }, ctx);
  }
  if (pressed(input, "continue")) return continueFrom({ ...data, scope: undefined }, ctx);
  if (pressed(input, "summary")) return toSummary({ ...data, scope: undefined }, ctx, [], true);
  return stay(state, input, ctx);
}

/** The start of a declaration: the repeat shortcut when there is a previous one, else the first question. */
function begin(
  data: Data,
  same: boolean,
  ctx: StepContext<DeclarationLoad>,
  effects: StepResult["effects"] = [],
): StepResult {
  if (same) return { state: stateOf("same", data), replies: [sameReply(data, ctx)], effects };
  const intro = data.who ? ctx.t("declaration:introFor", { name: data.who }) : ctx.t("declaration:intro");
  return { ...continueFrom(data, ctx, [text(intro)]), effects };
}

function onResume(state: FlowState, input: Input, data: Data, ctx: StepContext<DeclarationLoad>): StepResult {
  const fresh: Data = {
    personId: data.personId,
    who: data.who,
    answers: sanitizeAnswers(data.fresh?.answers ?? {}, envOf(ctx)),
    asked: [],
  };
  if (choiceOf(input, "resume") === "new")
    return begin(fresh, data.fresh?.same ?? false, ctx, [
      { type: "declaration.dropDraft", personId: data.personId },
    ]);
  if (choiceOf(input, "resume") !== "go") return stay(state, input, ctx);
  const saved = readData(data.draft?.data);
  if (!saved) return begin(fresh, data.fresh?.same ?? false, ctx);
  // What follows is this start's (a check-in being made now), not the interrupted one's.
  const restored: Data = {
    ...saved,
    answers: prune(sanitizeAnswers(saved.answers, envOf(ctx))),
    after: data.after,
  };
  const step = data.draft?.step ?? "";
  const q = step.startsWith("q.") ? questionById(step.slice(2)) : undefined;
  if (q && applies(q, restored.answers)) return ask(q, restored, ctx);
  if (step === "summary" && !nextQuestion(restored.answers)) return toSummary(restored, ctx);
  if (step === "change") return toChangeList(restored, restored.scope ?? "all", ctx);
  return continueFrom(restored, ctx);
}

function stay(state: FlowState, input: Input, ctx: StepContext<DeclarationLoad>): StepResult {
  const why = input.kind === "option" ? "common:staleButton" : "declaration:errors.useButtons";
  return { state, replies: [text(ctx.t(why)), ...prompt(state, ctx)] };
}

function prompt(state: FlowState, ctx: StepContext<DeclarationLoad>): Reply[] {
  const data = readData(state.data);
  if (!data) return [];
  if (state.step === "resume") return [resumeReply(data, ctx)];
  if (state.step === "same") return [sameReply(data, ctx)];
  if (state.step === "summary") return [summaryReply(data, ctx)];
  if (state.step === "change") return [changeListReply(data, data.scope ?? "all", ctx)];
  const q = questionById(state.step.slice(2));
  return q ? [questionReply(q, data, ctx)] : [];
}

/** The same declaration as one web page: a Mini App button on Telegram, a signed one-time link elsewhere. */
function webOffer(web: WebLinks, ctx: StepContext): Reply {
  const label = ctx.t("declaration:web.button");
  const button =
    ctx.channel === "telegram"
      ? { id: declarationOptions.build("web"), label, url: web.webApp, webApp: true }
      : { id: declarationOptions.build("web"), label, url: web.link };
  return text(ctx.t(ctx.channel === "telegram" ? "declaration:web.offer" : "declaration:web.offerLink"), {
    options: [[button]],
  });
}

function withWebOffer(result: StepResult, web: WebLinks | null | undefined, ctx: StepContext): StepResult {
  return web ? { ...result, replies: [webOffer(web, ctx), ...result.replies] } : result;
}

function start(ctx: StepContext<DeclarationLoad>, payload: string, followUps: readonly string[]): StepResult {
  const l = ctx.loaded?.kind === "start" ? ctx.loaded : undefined;
  if (l?.kind !== "start" || l.notFound) return end([text(ctx.t("declaration:notFound"))]);
  return withWebOffer(startChat(l, ctx, payload, followUps), l.web, ctx);
}

function startChat(
  l: StartLoad,
  ctx: StepContext<DeclarationLoad>,
  payload: string,
  followUps: readonly string[],
): StepResult {
  const details = sanitizeAnswers(l.prefill, envOf(ctx));
  for (const q of FORM) if (q.group === "health") delete details[q.id];
  // Only flows named by the wiring may follow: anyone can type "/declare <anything>".
  const after = parseDeclarePayload(payload).after;
  const known = followUps.includes(after.split(" ")[0] ?? "") ? { after } : {};
  const data: Data = { personId: l.personId, who: l.who, answers: details, asked: [], ...known };
  const same = l.hasLast && Object.keys(details).length > 0;
  if (l.draft) {
    const d: Data = { ...data, draft: l.draft, fresh: { answers: details, same } };
    return { state: stateOf("resume", d), replies: [resumeReply(d, ctx)] };
  }
  return begin(data, same, ctx);
}

function step(state: FlowState, input: Input, ctx: StepContext<DeclarationLoad>): StepResult {
  const data = readData(state.data);
  if (!data) return end([text(ctx.t("common:error"))]);
  if (state.step === "resume") return onResume(state, input, data, ctx);
  if (state.step === "same") {
    if (choiceOf(input, "same") === "yes") return continueFrom(data, ctx);
    if (choiceOf(input, "same") === "change") return toChangeList(data, "details", ctx, [], true);
    return stay(state, input, ctx);
  }
  if (state.step === "summary") return onSummary(state, input, data, ctx);
  if (state.step === "change") return onChange(state, input, data, ctx);
  const q = questionById(state.step.slice(2));
  return q ? onQuestion(q, state, input, data, ctx) : continueFrom(data, ctx);
}

/** Every answer given is kept as a draft, so an interrupted declaration picks up where it stopped. */
function withDraft(result: StepResult): StepResult {
  const s = result.state;
  const data = s?.flow === FLOW && s.step !== "resume" ? readData(s.data) : null;
  if (!s || !data || data.asked.length === 0) return result;
  const save = {
    type: "declaration.saveDraft" as const,
    personId: data.personId,
    step: s.step,
    data: s.data,
  };
  return { ...result, effects: [...(result.effects ?? []), save] };
}

const followUp = (after: string) => {
  const space = after.indexOf(" ");
  return space < 0
    ? { flow: after, payload: "" }
    : { flow: after.slice(0, space), payload: after.slice(space + 1) };
};

/**
 * The health declaration, one question at a time, driven by the form in form.ts.
 * `followUps`: flows a start payload may hand over to once the declaration is sent (e.g. "checkin").
 */
export function createDeclarationFlow(
  opts: { followUps?: readonly string[]; webLink?: WebLinkSource } = {},
): Flow<DeclarationLoad> {
  const followUps = opts.followUps ?? [];
  return {
    name: FLOW,
    commands: ["declare"],
    requiresPhone: true,
    load: (env) => loadForDeclaration(env, opts.webLink),
    start: (ctx, payload) => withDraft(start(ctx, payload, followUps)),
    step: (state, input, ctx) => withDraft(step(state, input, ctx)),
    prompt,
  };
}
