import { end, rows, text } from "../../core/replies.js";
import type { Flow, Input, LoadEnv, StepContext, StepResult } from "../../core/types.js";
import { OFFICER_ROLES, officerScope } from "../../shared/officer-scope.js";
import type {} from "./effects.js";
import { STATS_FLOW, statsOptions } from "./options.js";
import { STATS_DAYS } from "./stats.js";

export { STATS_FLOW };

const periodMenu = (ctx: StepContext) =>
  text(ctx.t("tracing:stats.ask"), {
    options: rows(
      STATS_DAYS.map((d) => ({
        id: statsOptions.build(`${d}`),
        label: ctx.t("tracing:trace.days", { n: d }),
      })),
      3,
    ),
  });

/** The period buttons, also pressed after the flow ended (a later look at another period). */
export function statsMenu(input: Input, ctx: StepContext): StepResult | null {
  if (input.kind !== "option") return null;
  const pressed = statsOptions.parse(input.data);
  if (!pressed) return null;
  const days = Number(pressed.action);
  return end([text(ctx.t("tracing:stats.working", { n: days }), { edit: true })], {
    effects: [{ type: "tracing.stats", days }],
  });
}

/** /stats [days]: numbers and charts for the officer's communes or province. */
export function createStatsFlow(): Flow<{ officer: boolean }> {
  return {
    name: STATS_FLOW,
    commands: ["stats"],
    roles: OFFICER_ROLES,
    requiresPhone: true,
    async load(env: LoadEnv) {
      return { officer: (await officerScope(env.tx, env.user.id)) !== null };
    },
    start(ctx, payload) {
      if (!ctx.loaded.officer) return end([text(ctx.t("tracing:notOfficer"))]);
      const days = Number(payload.trim());
      if ((STATS_DAYS as readonly number[]).includes(days))
        return end([], { effects: [{ type: "tracing.stats", days }] });
      return { state: { flow: STATS_FLOW, step: "period", data: {} }, replies: [periodMenu(ctx)] };
    },
    step: (state, input, ctx) => statsMenu(input, ctx) ?? { state, replies: [periodMenu(ctx)] },
    prompt: (_state, ctx) => [periodMenu(ctx)],
  };
}
