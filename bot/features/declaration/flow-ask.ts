import { rows, text } from "../../core/replies.js";
import type { Option, Reply, StepContext } from "../../core/types.js";
import { communeButtons, communeListNote } from "../../shared/place-picker.js";
import { PROVINCES } from "../../shared/provinces.js";
import { displayAnswer } from "./answers.js";
import { type Data, progress } from "./flow-state.js";
import { type Answers, isOptional, offeredOptions, type Question } from "./form.js";
import { answerIds, declarationOptions } from "./options.js";

const TICK = "✅";
const EMPTY = "⬜";

export function label(q: Question, ctx: StepContext): string {
  return ctx.t(`declaration:${q.key}.label`);
}

/** The question's own wording, with whose declaration it is and where it stands. */
export function questionTitle(q: Question, data: Data, ctx: StepContext): string {
  const who = data.who ? `${ctx.t("declaration:for", { name: data.who })}\n` : "";
  return `${who}${progress(q, data.answers)} ${ctx.t(`declaration:${q.key}.ask`)}`;
}

function choiceButtons(q: Question & { type: "choice" }, answers: Answers, ctx: StepContext): Option[][] {
  const current = answers[q.id];
  const options = offeredOptions(q.options, answers).map((o) => ({
    id: declarationOptions.build("a", q.id, o.value),
    label: `${current === o.value ? `${TICK} ` : ""}${ctx.t(`declaration:${q.key}.opt.${o.value}`)}`,
  }));
  return rows(options, q.perRow);
}

function multiButtons(q: Question & { type: "multi" }, data: Data, ctx: StepContext): Option[][] {
  const ticks = new Set(data.ticks ?? []);
  const options = offeredOptions(q.options, data.answers).map((o) => ({
    id: declarationOptions.build("t", q.id, o.value),
    label: `${ticks.has(o.value) ? `${TICK} ` : ""}${ctx.t(`declaration:${q.key}.opt.${o.value}`)}`,
  }));
  return [
    ...rows(options, q.perRow),
    [
      { id: declarationOptions.build("none"), label: ctx.t(`declaration:${q.key}.none`) },
      { id: declarationOptions.build("done"), label: ctx.t("declaration:buttons.done") },
    ],
  ];
}

function toggleLines(q: Question & { type: "toggles" }, data: Data, ctx: StepContext): string {
  const ticks = new Set(data.ticks ?? []);
  return q.items
    .map((i, n) => `${ticks.has(i) ? TICK : EMPTY} ${n + 1}. ${ctx.t(`declaration:${q.key}.opt.${i}`)}`)
    .join("\n");
}

function toggleButtons(q: Question & { type: "toggles" }, data: Data, ctx: StepContext): Option[][] {
  const ticks = new Set(data.ticks ?? []);
  return [
    ...q.items.map((i, n) => [
      {
        id: declarationOptions.build("t", q.id, i),
        label: `${ticks.has(i) ? TICK : EMPTY} ${n + 1}. ${ctx.t(`declaration:${q.key}.short.${i}`)}`,
      },
    ]),
    [
      { id: declarationOptions.build("none"), label: ctx.t(`declaration:${q.key}.none`) },
      { id: declarationOptions.build("done"), label: ctx.t("declaration:buttons.done") },
    ],
  ];
}

function typeSpecific(q: Question, data: Data, ctx: StepContext): { body: string[]; buttons: Option[][] } {
  switch (q.type) {
    case "choice":
      return { body: [], buttons: choiceButtons(q, data.answers, ctx) };
    case "multi":
      return { body: [], buttons: multiButtons(q, data, ctx) };
    case "toggles":
      return { body: [toggleLines(q, data, ctx)], buttons: toggleButtons(q, data, ctx) };
    case "province": {
      const list = data.matches ?? PROVINCES.map((p) => ({ code: p.code, name: p.name }));
      const body = data.matches ? [ctx.t("declaration:pickOne")] : [];
      const mark = (code: string) => (data.answers[q.id] === code ? `${TICK} ` : "");
      const buttons = list.map((p) => ({
        id: declarationOptions.build("a", q.id, p.code),
        label: `${mark(p.code)}${p.name}`,
      }));
      return { body, buttons: rows(buttons, 3) };
    }
    case "commune": {
      if (!data.matches?.length) return { body: [], buttons: [] };
      const list = { matches: data.matches, page: data.page ?? 0, truncated: data.truncated };
      return { body: [communeListNote(list, ctx)], buttons: communeButtons(list, answerIds(q.id), ctx) };
    }
    case "list": {
      const items = data.items ?? [];
      const none = { id: declarationOptions.build("none"), label: ctx.t(`declaration:${q.key}.none`) };
      if (items.length === 0) return { body: [], buttons: [[none]] };
      const body = [ctx.t("declaration:listSoFar", { items: items.map((i) => `• ${i}`).join("\n") })];
      return {
        body,
        buttons: [[none, { id: declarationOptions.build("done"), label: ctx.t("declaration:buttons.done") }]],
      };
    }
    default:
      return { body: [], buttons: [] };
  }
}

/** A question as a message: wording, the current answer when there is one, its buttons, Back. */
export function questionReply(
  q: Question,
  data: Data,
  ctx: StepContext,
  opts: { edit?: boolean } = {},
): Reply {
  const env = { now: ctx.now, timeZone: ctx.timeZone };
  const answered = q.id in data.answers;
  const { body, buttons } = typeSpecific(q, data, ctx);
  const lines = [questionTitle(q, data, ctx), ...body];
  const closed = ["choice", "multi", "toggles", "province", "list"].includes(q.type);
  if (answered && !closed) {
    lines.push(ctx.t("declaration:current", { value: displayAnswer(q, data.answers[q.id], ctx.t) }));
  }
  const extra: Option[] = [];
  if (answered && !closed)
    extra.push({ id: declarationOptions.build("keep"), label: ctx.t("declaration:buttons.keep") });
  if (isOptional(q, data.answers, env))
    extra.push({ id: declarationOptions.build("skip"), label: ctx.t("declaration:buttons.skip") });
  const back =
    data.asked.length > 0 || data.editing
      ? [{ id: declarationOptions.build("back"), label: ctx.t("declaration:buttons.back") }]
      : [];
  const options = [...buttons, ...(extra.length > 0 ? [extra] : []), ...(back.length > 0 ? [back] : [])];
  return text(lines.join("\n\n"), { options, edit: opts.edit });
}
