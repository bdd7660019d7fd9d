import { z } from "zod";
import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, Reply, StepContext, StepResult } from "../../core/types.js";
import { addDays, isoDay, localDate, parseDateRange } from "../../shared/local-time.js";
import { OFFICER_ROLES, officerScope } from "../../shared/officer-scope.js";
import type {} from "./effects.js";
import { validCoverage, validPopulation } from "./levels.js";
import { isLevel } from "./matrix.js";
import {
  AREA_FLOW,
  type AreaOption,
  areaOption,
  areaPayload,
  parseAreaOption,
  parseAreaPayload,
} from "./options.js";

const dataSchema = z.object({
  code: z.string().optional(),
  level: z.number().optional(),
  reason: z.string().optional(),
});
type Data = z.infer<typeof dataSchema>;

const REASON_MIN = 3;
const REASON_MAX = 300;
const state = (step: string, data: Data): FlowState => ({ flow: AREA_FLOW, step, data });

/** "12.345", "12 345", "12,345" → 12345; null when it is not a whole number. */
export function parsePopulation(typed: string): number | null {
  const s = typed.trim().replace(/[\s.,]/g, "");
  if (!/^\d{1,9}$/.test(s)) return null;
  const n = Number(s);
  return validPopulation(n) ? n : null;
}

/** "72", "72,5", "72.5 %" → 72.5; null outside 0–100. */
export function parseCoverage(typed: string): number | null {
  const s = typed.trim().replace(/\s*%$/, "").replace(",", ".");
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return null;
  const n = Number(s);
  return validCoverage(n) ? n : null;
}

function screen(step: string, d: Data, ctx: StepContext): Reply[] {
  const { t } = ctx;
  switch (step) {
    case "at":
      return [text(t("risk:askLevelTyped"))];
    case "reason":
      return [text(t("risk:askReason", { level: t(`risk:levels.${d.level}`) }))];
    case "when":
      return [
        text(t("risk:askWhen"), {
          options: [
            [
              { id: areaOption({ kind: "when", day: "today" }), label: t("risk:today") },
              { id: areaOption({ kind: "when", day: "tomorrow" }), label: t("risk:tomorrow") },
            ],
          ],
        }),
      ];
    case "pop":
      return [text(t("risk:askPopulation"))];
    case "cov":
      return [text(t("risk:askCoverage"))];
    default:
      return [text(t("risk:askCommune"))];
  }
}

const go = (step: string, d: Data, ctx: StepContext): StepResult => ({
  state: state(step, d),
  replies: screen(step, d, ctx),
});

/** A button or start payload: a commune's view, a level chosen, a figure to enter. */
function dispatch(o: AreaOption, d: Data, ctx: StepContext): StepResult | null {
  switch (o.kind) {
    case "view":
      return end([], { effects: [{ type: "risk.view", code: o.code }] });
    case "at":
      return { state: state("at", { code: o.code }), replies: [] };
    case "level":
      if (!isLevel(o.level)) return go("at", { code: o.code }, ctx);
      return go("reason", { code: o.code, level: o.level }, ctx);
    case "population":
      return go("pop", { code: o.code }, ctx);
    case "coverage":
      return go("cov", { code: o.code }, ctx);
    case "when": {
      if (!d.code || !d.level || !d.reason) return null;
      const today = localDate(ctx.now, ctx.timeZone);
      const day = isoDay(o.day === "today" ? today : addDays(today, 1));
      return setLevel(d, day);
    }
  }
}

const setLevel = (d: Data, effectiveFrom: string): StepResult =>
  end([], {
    effects: [{ type: "risk.set", code: d.code!, level: d.level!, reason: d.reason!, effectiveFrom }],
  });

function step(s: FlowState, input: Input, ctx: StepContext): StepResult {
  const d = dataSchema.parse(s.data);
  const warn = (key: string, vars: Record<string, unknown> = {}): StepResult => ({
    state: s,
    replies: [text(`⚠️ ${ctx.t(key, vars)}`), ...screen(s.step, d, ctx)],
  });
  if (input.kind === "option") {
    const o = parseAreaOption(input.data);
    return (o && dispatch(o, d, ctx)) ?? warn("risk:useButtons");
  }
  if (input.kind === "document" || input.kind === "photo") {
    if (input.kind === "photo") return warn("risk:csvOnly");
    return end([], { effects: [{ type: "risk.import", fileRef: input.fileRef, size: input.size }] });
  }
  if (input.kind !== "text") return warn("risk:useButtons");
  const typed = input.text.trim();
  switch (s.step) {
    case "commune":
      if (/^\d{5}$/.test(typed)) return end([], { effects: [{ type: "risk.view", code: typed }] });
      if (typed.length < 2 || typed.length > 80) return warn("risk:badCommune");
      return end([], { effects: [{ type: "risk.find", typed }] });
    case "at": {
      const n = /^\d{1,3}$/.test(typed) ? Number(typed) : Number.NaN;
      if (!isLevel(n)) return warn("risk:badLevel");
      return go("reason", { code: d.code, level: n }, ctx);
    }
    case "reason":
      if (typed.length < REASON_MIN || typed.length > REASON_MAX)
        return warn("risk:badReason", { min: REASON_MIN, max: REASON_MAX });
      return go("when", { ...d, reason: typed }, ctx);
    case "when": {
      const range = parseDateRange(typed, ctx.now, ctx.timeZone);
      if (!range || isoDay(range.from) !== isoDay(range.to)) return warn("risk:badDate");
      return setLevel(d, isoDay(range.from));
    }
    case "pop": {
      const population = parsePopulation(typed);
      if (population === null) return warn("risk:badPopulation");
      return end([], { effects: [{ type: "risk.figures", code: d.code!, population }] });
    }
    case "cov": {
      const coverage = parseCoverage(typed);
      if (coverage === null) return warn("risk:badCoverage");
      return end([], { effects: [{ type: "risk.figures", code: d.code!, coverage }] });
    }
  }
  return warn("risk:useButtons");
}

/** /area: a commune's risk level (officers in scope), its suggestion and figures; a CSV of figures. */
export function createAreaFlow(): Flow<{ officer: boolean } | undefined> {
  return {
    name: AREA_FLOW,
    commands: ["area"],
    roles: OFFICER_ROLES,
    requiresPhone: true,
    async load(env: LoadEnv) {
      if (env.state) return undefined;
      return { officer: (await officerScope(env.tx, env.user.id)) !== null };
    },
    start(ctx, payload) {
      if (!(ctx.loaded as { officer: boolean } | undefined)?.officer)
        return end([text(ctx.t("risk:notOfficer"))]);
      const p = payload.trim();
      if (/^\d{5}$/.test(p)) return end([], { effects: [{ type: "risk.view", code: p }] });
      const o = parseAreaPayload(p);
      return (o && dispatch(o, {}, ctx)) ?? go("commune", {}, ctx);
    },
    step,
    prompt: (s, ctx) => screen(s.step, dataSchema.parse(s.data), ctx),
  };
}

/** The /area buttons pressed with no flow active (under a commune's view): they open the flow there. */
export function areaIdle(input: Input): StepResult | null {
  if (input.kind !== "option") return null;
  const o = parseAreaOption(input.data);
  if (!o || o.kind === "when") return null;
  return end([], { next: { flow: AREA_FLOW, payload: areaPayload(o) } });
}
