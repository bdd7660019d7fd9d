import { z } from "zod";
import { end, text } from "../../core/replies.js";
import type {
  Flow,
  FlowState,
  Input,
  LoadEnv,
  Option,
  Reply,
  StepContext,
  StepResult,
} from "../../core/types.js";
import { checkpointsOf } from "../checkpoint/index.js";
import { type Answer, answersSchema, CHECKLIST, NOTE_MAX, scoreAnswers } from "./checklist.js";
import type {} from "./effects.js";
import { parseSafetyOption, SAFETY_FLOW, safetyOption } from "./options.js";

const place = z.object({ id: z.number(), name: z.string() });
type Place = z.infer<typeof place>;

const dataSchema = z.object({
  places: z.array(place).default([]),
  checkpointId: z.number().optional(),
  name: z.string().optional(),
  i: z.number().int().min(0).default(0),
  answers: answersSchema.default({}),
});
type Data = z.infer<typeof dataSchema>;

const items = CHECKLIST.items;
const state = (step: string, data: Data): FlowState => ({ flow: SAFETY_FLOW, step, data });

function itemScreen(d: Data, ctx: StepContext): Reply {
  const item = items[d.i]!;
  const { t } = ctx;
  const buttons: Option[] = [
    { id: safetyOption({ kind: "answer", answer: "yes" }), label: t("safety:yes") },
    { id: safetyOption({ kind: "answer", answer: "no" }), label: t("safety:no") },
  ];
  if (!item.required)
    buttons.push({ id: safetyOption({ kind: "answer", answer: "na" }), label: t("safety:na") });
  const options = [buttons];
  if (d.i > 0) options.push([{ id: safetyOption({ kind: "back" }), label: t("safety:back") }]);
  const head = t("safety:progress", { n: d.i + 1, total: items.length, name: d.name });
  return text(`${head}\n\n${t(`safety:items.${item.id}`)}`, { options });
}

const noteScreen = (d: Data, ctx: StepContext): Reply =>
  text(ctx.t("safety:askNote", { item: ctx.t(`safety:items.${items[d.i]!.id}`) }), {
    options: [[{ id: safetyOption({ kind: "skipNote" }), label: ctx.t("safety:skipNote") }]],
  });

function confirmScreen(d: Data, ctx: StepContext): Reply {
  const { t } = ctx;
  const result = scoreAnswers(CHECKLIST, d.answers);
  const mark: Record<Answer, string> = { yes: "✅", no: "❌", na: "➖" };
  const lines = [t("safety:summary", { name: d.name })];
  for (const item of items) {
    const a = d.answers[item.id];
    if (!a) continue;
    const note = a.note ? ` — ${a.note}` : "";
    lines.push(`${mark[a.answer]} ${t(`safety:short.${item.id}`)}${note}`);
  }
  if (result)
    lines.push(
      "",
      t("safety:preview", { score: result.score, rating: t(`safety:ratings.${result.rating}`) }),
    );
  return text(lines.join("\n"), {
    options: [
      [
        { id: safetyOption({ kind: "save" }), label: t("safety:save") },
        { id: safetyOption({ kind: "restart" }), label: t("safety:restart") },
      ],
    ],
  });
}

function begin(p: Place, ctx: StepContext): StepResult {
  const d: Data = { places: [], checkpointId: p.id, name: p.name, i: 0, answers: {} };
  return {
    state: state("item", d),
    replies: [text(ctx.t("safety:intro", { n: items.length })), itemScreen(d, ctx)],
  };
}

function chooseScreen(places: Place[], ctx: StepContext): Reply {
  return text(ctx.t("safety:choose"), {
    options: places.map((p) => [{ id: safetyOption({ kind: "start", checkpointId: p.id }), label: p.name }]),
  });
}

/** After an answer: the next item, or the summary once every item is answered. */
function advance(d: Data, ctx: StepContext): StepResult {
  const next = { ...d, i: d.i + 1 };
  if (next.i >= items.length) return { state: state("confirm", d), replies: [confirmScreen(d, ctx)] };
  return { state: state("item", next), replies: [itemScreen(next, ctx)] };
}

function step(s: FlowState, input: Input, ctx: StepContext): StepResult {
  const d = dataSchema.parse(s.data);
  const o = input.kind === "option" ? parseSafetyOption(input.data) : null;
  const again = (warning: string): StepResult => ({
    state: s,
    replies: [text(`⚠️ ${ctx.t(warning)}`), ...prompt(s, ctx)],
  });
  if (s.step === "choose") {
    const p = o?.kind === "start" ? d.places.find((x) => x.id === o.checkpointId) : undefined;
    return p ? begin(p, ctx) : again("safety:useButtons");
  }
  if (o?.kind === "restart") return begin({ id: d.checkpointId!, name: d.name ?? "" }, ctx);
  if (s.step === "item") {
    if (o?.kind === "back" && d.i > 0) {
      const prev = { ...d, i: d.i - 1 };
      return { state: state("item", prev), replies: [itemScreen(prev, ctx)] };
    }
    if (o?.kind !== "answer") return again("safety:useButtons");
    const item = items[d.i]!;
    if (o.answer === "na" && item.required) return again("safety:useButtons");
    const answered = { ...d, answers: { ...d.answers, [item.id]: { answer: o.answer } } };
    if (o.answer === "no") return { state: state("note", answered), replies: [noteScreen(answered, ctx)] };
    return advance(answered, ctx);
  }
  if (s.step === "note") {
    if (o?.kind === "skipNote") return advance(d, ctx);
    if (input.kind !== "text") return again("safety:noteOrSkip");
    const note = input.text.trim();
    if (note.length === 0 || note.length > NOTE_MAX) return again("safety:badNote");
    const id = items[d.i]!.id;
    return advance({ ...d, answers: { ...d.answers, [id]: { answer: "no", note } } }, ctx);
  }
  if (s.step === "confirm" && o?.kind === "save") {
    return end([text(ctx.t("safety:saving"), { edit: true })], {
      effects: [{ type: "safety.save", checkpointId: d.checkpointId!, answers: d.answers }],
    });
  }
  return again("safety:useButtons");
}

function prompt(s: FlowState, ctx: StepContext): Reply[] {
  const d = dataSchema.parse(s.data);
  if (s.step === "choose") return [chooseScreen(d.places, ctx)];
  if (s.step === "note") return [noteScreen(d, ctx)];
  if (s.step === "confirm") return [confirmScreen(d, ctx)];
  return [itemScreen(d, ctx)];
}

/** /safety (or the button in the manager's menu, which names the checkpoint): the self-assessment checklist. */
export function createSafetyFlow(): Flow<Place[] | undefined> {
  return {
    name: SAFETY_FLOW,
    commands: ["safety"],
    roles: ["checkpoint_manager"],
    requiresPhone: true,
    async load(env: LoadEnv): Promise<Place[] | undefined> {
      if (env.state) return undefined;
      const places = await checkpointsOf(env.tx, env.user.id, ["checkpoint_manager"]);
      return places.slice(0, 30).map((c) => ({ id: c.id, name: c.name }));
    },
    start(ctx, payload) {
      const places = ctx.loaded ?? [];
      if (places.length === 0) return end([text(ctx.t("safety:notManager"))]);
      const chosen = places.find((p) => String(p.id) === payload.trim());
      if (chosen) return begin(chosen, ctx);
      if (places.length === 1) return begin(places[0]!, ctx);
      const s = state("choose", { places, i: 0, answers: {} });
      return { state: s, replies: [chooseScreen(places, ctx)] };
    },
    step,
    prompt,
  };
}

/** The manager's "safety" button, pressed with no flow active (or from a reminder): opens the checklist. */
export function safetyIdle(input: Input): StepResult | null {
  if (input.kind !== "option") return null;
  const o = parseSafetyOption(input.data);
  if (o?.kind !== "start") return null;
  return end([], { next: { flow: SAFETY_FLOW, payload: String(o.checkpointId) } });
}
