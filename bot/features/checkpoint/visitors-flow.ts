import { end, rows, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, Option, StepContext, StepResult } from "../../core/types.js";
import { addDays, isoDay, localDate, parseDateRange } from "../../shared/local-time.js";
import { checkpointsOf } from "./checkpoints.js";
import type {} from "./effects.js";
import { VISITORS_FLOW, visitorsOptions } from "./options.js";

export { VISITORS_FLOW };

export const EXPORT_DAYS = [1, 7, 21];
/** The manager's "poster" button, also offered by other features (a new safety rating wants a new poster). */
export const posterOption = (checkpointId: number) => visitorsOptions.build("poster", checkpointId);

/** The buttons under a manager's view of a checkpoint. */
export function managerButtons(checkpointId: number, ctx: StepContext, extra: Option[] = []): Option[][] {
  const t = ctx.t;
  const more = extra.length > 0 ? [extra] : [];
  return [
    [
      { id: visitorsOptions.build("view", checkpointId), label: t("checkpoint:visitors.refresh") },
      { id: visitorsOptions.build("export", checkpointId), label: t("checkpoint:visitors.export") },
    ],
    [
      { id: visitorsOptions.build("poster", checkpointId), label: t("checkpoint:visitors.poster") },
      { id: visitorsOptions.build("staff", checkpointId), label: t("checkpoint:visitors.addStaff") },
    ],
    [{ id: visitorsOptions.build("rotate", checkpointId), label: t("checkpoint:visitors.rotate") }],
    ...more,
  ];
}

function exportMenu(id: number, ctx: StepContext): StepResult {
  const options = EXPORT_DAYS.map((days) => ({
    id: visitorsOptions.build("x", id, days),
    label: ctx.t(days === 1 ? "checkpoint:visitors.today" : "checkpoint:visitors.lastDays", { n: days }),
  }));
  options.push({ id: visitorsOptions.build("range", id), label: ctx.t("checkpoint:visitors.chooseDates") });
  return end([text(ctx.t("checkpoint:visitors.exportWhich"), { options: rows(options, 2) })]);
}

const askRange = (id: number, ctx: StepContext): StepResult => ({
  state: { flow: VISITORS_FLOW, step: "range", data: { checkpointId: id } },
  replies: [text(ctx.t("checkpoint:visitors.askRange"))],
});

/**
 * The manager's buttons, whether or not a flow is active: each becomes an effect whose service checks the
 * person's role for that checkpoint. Null for input that is not one of them.
 */
export function visitorsMenu(input: Input, ctx: StepContext): StepResult | null {
  if (input.kind !== "option") return null;
  const o = visitorsOptions.parse(input.data);
  if (!o) return null;
  const id = o.args[0];
  switch (o.action) {
    case "view":
      return end([], { effects: [{ type: "checkpoint.view", checkpointId: id, edit: true }] });
    case "export":
      return exportMenu(id, ctx);
    case "x": {
      const days = o.args[1] ?? 1;
      if (!EXPORT_DAYS.includes(days)) return null;
      const today = localDate(ctx.now, ctx.timeZone);
      const from = isoDay(addDays(today, -(days - 1)));
      return end([], { effects: [{ type: "checkpoint.export", checkpointId: id, from, to: isoDay(today) }] });
    }
    case "range":
      return askRange(id, ctx);
    case "poster":
      return end([], { effects: [{ type: "checkpoint.poster", checkpointId: id }] });
    case "staff":
      return end([], { effects: [{ type: "checkpoint.inviteStaff", checkpointId: id }] });
    case "rotate":
      return end([
        text(ctx.t("checkpoint:visitors.rotateConfirm"), {
          options: [
            [
              { id: visitorsOptions.build("rotok", id), label: ctx.t("checkpoint:visitors.rotateYes") },
              { id: visitorsOptions.build("view", id), label: ctx.t("checkpoint:visitors.rotateNo") },
            ],
          ],
        }),
      ]);
    case "rotok":
      return end([text(ctx.t("checkpoint:visitors.rotating"), { edit: true })], {
        effects: [{ type: "checkpoint.rotate", checkpointId: id }],
      });
  }
  return null;
}

type Place = { id: number; name: string };

function step(state: FlowState, input: Input, ctx: StepContext): StepResult {
  const menu = visitorsMenu(input, ctx);
  if (menu) return menu;
  if (state.step === "range" && input.kind === "text") {
    const range = parseDateRange(input.text, ctx.now, ctx.timeZone);
    if (!range) return { state, replies: [text(`⚠️ ${ctx.t("checkpoint:visitors.badRange")}`)] };
    const checkpointId = Number(state.data.checkpointId);
    const effect = {
      type: "checkpoint.export" as const,
      checkpointId,
      from: isoDay(range.from),
      to: isoDay(range.to),
    };
    return end([], { effects: [effect] });
  }
  return { state, replies: [text(ctx.t("checkpoint:scan.useButtons")), ...prompt(state, ctx)] };
}

function prompt(state: FlowState, ctx: StepContext) {
  if (state.step === "range") return [text(ctx.t("checkpoint:visitors.askRange"))];
  const places = (state.data.places ?? []) as Place[];
  return [
    text(ctx.t("checkpoint:visitors.choose"), {
      options: rows(places.map((p) => ({ id: visitorsOptions.build("view", p.id), label: p.name }))),
    }),
  ];
}

/** /visitors: the manager's view of who is inside, the visit log export, staff invitations, a new code. */
export function createVisitorsFlow(): Flow<Place[] | undefined> {
  return {
    name: VISITORS_FLOW,
    commands: ["visitors"],
    roles: ["checkpoint_manager"],
    requiresPhone: true,
    async load(env: LoadEnv) {
      if (env.state) return undefined;
      const places = await checkpointsOf(env.tx, env.user.id, ["checkpoint_manager"]);
      return places.slice(0, 30).map((c) => ({ id: c.id, name: c.name }));
    },
    start(ctx) {
      const places = ctx.loaded ?? [];
      if (places.length === 0) return end([text(ctx.t("checkpoint:visitors.notManager"))]);
      if (places.length === 1)
        return end([], { effects: [{ type: "checkpoint.view", checkpointId: places[0]!.id }] });
      const state: FlowState = { flow: VISITORS_FLOW, step: "choose", data: { places } };
      return { state, replies: prompt(state, ctx) };
    },
    step,
    prompt,
  };
}
