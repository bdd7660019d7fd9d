import { end, rows, text } from "../../core/replies.js";
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
import { OFFICER_ROLES, officerScope } from "../../shared/officer-scope.js";
import { normalizePhone } from "../../shared/phone.js";
import type { TraceWho } from "./effects.js";
import { TRACE_FLOW, traceOptions } from "./options.js";
import { DEFAULT_TRACE_DAYS, TRACE_DAYS } from "./traces.js";

export { TRACE_FLOW };

/** Follow-up statuses as short codes in button data. */
export const FOLLOW_UP_CODES = {
  ok: "seen_ok",
  signs: "seen_signs",
  missed: "missed",
  none: "not_attempted",
} as const;
export type FollowUpCode = keyof typeof FOLLOW_UP_CODES;

/** The buttons under a trace's result. */
export function traceButtons(traceId: number, ctx: StepContext, f2 = true): Option[][] {
  const t = ctx.t;
  return [
    [
      ...(f2 ? [{ id: traceOptions.build("f2", traceId), label: t("tracing:trace.buttons.f2") }] : []),
      { id: traceOptions.build("f0", traceId), label: t("tracing:trace.buttons.f0") },
    ],
    [
      { id: traceOptions.build("notify", traceId), label: t("tracing:trace.buttons.notify") },
      { id: traceOptions.build("enroll", traceId), label: t("tracing:trace.buttons.enroll") },
    ],
    [{ id: traceOptions.build("fu", traceId), label: t("tracing:trace.buttons.followUp") }],
  ];
}

/** Status buttons under one contact. */
export function followUpButtons(contactId: number, ctx: StepContext): Option[][] {
  const b = (code: FollowUpCode) => ({
    id: traceOptions.build("fs", contactId, code),
    label: ctx.t(`tracing:followUp.${FOLLOW_UP_CODES[code]}`),
  });
  return [
    [b("ok"), b("signs")],
    [b("missed"), b("none")],
  ];
}

const confirm = (question: string, yes: "f0ok" | "notifyok", traceId: number, ctx: StepContext): StepResult =>
  end([
    text(question, {
      options: [
        [
          { id: traceOptions.build(yes, traceId), label: ctx.t("tracing:yes") },
          { id: traceOptions.build("no", traceId), label: ctx.t("tracing:no") },
        ],
      ],
    }),
  ]);

/**
 * The buttons of a trace's result, whether or not a flow is active; each becomes an effect whose service
 * checks that this officer may act on the trace. Null for input that is not one of them.
 */
export function traceMenu(input: Input, ctx: StepContext): StepResult | null {
  if (input.kind !== "option") return null;
  const o = traceOptions.parse(input.data);
  if (!o || o.action === "days") return null;
  const id = o.args[0];
  const t = ctx.t;
  const done = (effects: StepResult["effects"], replies: Reply[] = []) => end(replies, { effects });
  switch (o.action) {
    case "f2":
      return done([{ type: "tracing.f2", traceId: id }]);
    case "f0":
      return confirm(t("tracing:trace.confirmF0"), "f0ok", id, ctx);
    case "f0ok":
      return done(
        [{ type: "tracing.confirm", traceId: id }],
        [text(t("tracing:trace.working"), { edit: true })],
      );
    case "notify":
      return confirm(t("tracing:trace.confirmNotify"), "notifyok", id, ctx);
    case "notifyok":
      return done(
        [{ type: "tracing.notify", traceId: id }],
        [text(t("tracing:trace.working"), { edit: true })],
      );
    case "no":
      return end([text(t("tracing:trace.notDone"), { edit: true })]);
    case "enroll":
      return done([{ type: "tracing.enrollMenu", traceId: id }]);
    case "en":
      return done([{ type: "tracing.enroll", traceId: id, groupId: null }]);
    case "eg":
      return done([{ type: "tracing.enroll", traceId: id, groupId: o.args[1] }]);
    case "fu":
      return done([{ type: "tracing.followUpList", traceId: id }]);
    case "fc":
      return done([{ type: "tracing.followUpShow", contactId: id }]);
    case "fs": {
      const code = o.args[1];
      if (!Object.hasOwn(FOLLOW_UP_CODES, code)) return null;
      return done([
        { type: "tracing.followUp", contactId: id, status: FOLLOW_UP_CODES[code as FollowUpCode] },
      ]);
    }
  }
  return null;
}

/**
 * What an officer typed to name the case: a phone number (10 digits from 0, or +…) or an ID number (9 or
 * 12 digits: the old identity card or the citizen ID). Null when it is neither.
 */
export function readWho(typed: string): TraceWho | null {
  const s = typed.trim().replace(/[\s.-]/g, "");
  if (/^\d{9}$|^\d{12}$/.test(s)) return { by: "id", value: s };
  if (/^(\+\d{8,15}|0\d{9,10}|84\d{9,10})$/.test(s)) {
    const phone = normalizePhone(s.startsWith("84") ? `+${s}` : s);
    if (phone) return { by: "phone", value: phone };
  }
  return null;
}

function ask(days: number, ctx: StepContext, edit = false): Reply {
  const options = TRACE_DAYS.map((d) => ({
    id: traceOptions.build("days", d),
    label: `${d === days ? "✓ " : ""}${ctx.t("tracing:trace.days", { n: d })}`,
  }));
  return text(ctx.t("tracing:trace.ask", { n: days }), { options: rows(options, 3), edit });
}

const daysOf = (state: FlowState) => {
  const d = Number(state.data.days);
  return (TRACE_DAYS as readonly number[]).includes(d) ? d : DEFAULT_TRACE_DAYS;
};

const run = (who: TraceWho, days: number, ctx: StepContext): StepResult =>
  end([text(ctx.t("tracing:trace.searching"))], { effects: [{ type: "tracing.run", who, days }] });

function step(state: FlowState, input: Input, ctx: StepContext): StepResult {
  const menu = traceMenu(input, ctx);
  if (menu) return menu;
  const days = daysOf(state);
  if (input.kind === "option") {
    const d = traceOptions.match(input, "days")?.[0];
    if (d !== undefined && (TRACE_DAYS as readonly number[]).includes(d))
      return { state: { ...state, data: { days: d } }, replies: [ask(d, ctx, true)] };
  }
  if (input.kind === "photo") return run({ by: "photo", value: input.fileRef, size: input.size }, days, ctx);
  if (input.kind === "text") {
    const who = readWho(input.text);
    if (who) return run(who, days, ctx);
  }
  return { state, replies: [text(`⚠️ ${ctx.t("tracing:trace.badWho")}`), ask(days, ctx)] };
}

/** /trace: name the case (phone, ID number, photo of their personal QR), choose the period, get the F1s. */
export function createTraceFlow(): Flow<{ officer: boolean }> {
  return {
    name: TRACE_FLOW,
    commands: ["trace"],
    roles: OFFICER_ROLES,
    requiresPhone: true,
    async load(env: LoadEnv) {
      return { officer: (await officerScope(env.tx, env.user.id)) !== null };
    },
    start(ctx, payload) {
      if (!ctx.loaded.officer) return end([text(ctx.t("tracing:notOfficer"))]);
      const who = payload ? readWho(payload) : null;
      if (who) return run(who, DEFAULT_TRACE_DAYS, ctx);
      const state: FlowState = { flow: TRACE_FLOW, step: "who", data: { days: DEFAULT_TRACE_DAYS } };
      return { state, replies: [ask(DEFAULT_TRACE_DAYS, ctx)] };
    },
    step,
    prompt: (state, ctx) => [ask(daysOf(state), ctx)],
  };
}
