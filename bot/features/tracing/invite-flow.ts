import { end, rows, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, Reply, StepContext, StepResult } from "../../core/types.js";
import { type Commune, communeByCode, countCommunes, searchCommunes } from "../../shared/admin-units.js";
import { findProvinces, type Province, provinceByCode } from "../../shared/provinces.js";
import { isAdmin } from "../../shared/roles.js";
import type {} from "./effects.js";

/**
 * `/invite` (administrators): a one-time link that makes whoever opens it an officer — a commune officer of
 * one commune, or a district officer of one commune or a whole province. The commune is found by name in
 * the unit list (`npm run import-units`); `npm run admin -- invite …` does the same from a shell.
 */
export const INVITE_FLOW = "invite";
const ROLES = ["commune_officer", "district_officer"] as const;
type OfficerRole = (typeof ROLES)[number];

type Loaded = {
  admin?: boolean;
  /** Communes matching what was typed, and whether the province's list is loaded at all. */
  matches?: Commune[];
  units?: number;
  /** The commune whose button was pressed. */
  chosen?: Commune | null;
};

const opt = (...parts: string[]) => [INVITE_FLOW, ...parts].join(":");
const roleOf = (s: FlowState) => s.data.role as OfficerRole;
const provinceOf = (s: FlowState) => provinceByCode(String(s.data.province ?? ""));
const at = (state: FlowState, step: string, data: Record<string, unknown> = {}): FlowState => ({
  ...state,
  step,
  data: { ...state.data, ...data },
});

function question(state: FlowState, ctx: StepContext): Reply {
  const t = ctx.t;
  switch (state.step) {
    case "role":
      return text(t("tracing:invite.role"), {
        options: [ROLES.map((r) => ({ id: opt("role", r), label: t(`invitation:roles.${r}`) }))],
      });
    case "province":
      return text(t("tracing:invite.askProvince"));
    case "extent":
      return text(t("tracing:invite.extent", { province: provinceOf(state)?.name ?? "" }), {
        options: [
          [
            { id: opt("whole"), label: t("tracing:invite.whole") },
            { id: opt("one"), label: t("tracing:invite.one") },
          ],
        ],
      });
    default:
      return text(t("tracing:invite.askCommune", { province: provinceOf(state)?.name ?? "" }));
  }
}

const create = (role: OfficerRole, scope: { type: "commune" | "province"; id: string }, label: string) =>
  end([], { effects: [{ type: "tracing.invite", role, scope, label }] });

function afterProvince(state: FlowState, p: Province, ctx: StepContext): StepResult {
  const next = at(state, roleOf(state) === "district_officer" ? "extent" : "commune", { province: p.code });
  return { state: next, replies: [question(next, ctx)] };
}

function step(state: FlowState, input: Input, ctx: StepContext<Loaded>): StepResult {
  const loaded = ctx.loaded;
  const data = input.kind === "option" ? input.data : "";
  const again = (key: string) => ({ state, replies: [text(`⚠️ ${ctx.t(key)}`), question(state, ctx)] });
  if (state.step === "role") {
    const role = ROLES.find((r) => data === opt("role", r));
    if (!role) return again("tracing:invite.useButtons");
    const next = at(state, "province", { role });
    return { state: next, replies: [question(next, ctx)] };
  }
  if (state.step === "province") {
    const pressed = /^invite:prov:(\d{2})$/.exec(data)?.[1];
    const found = pressed ? [provinceByCode(pressed)].filter((p) => p !== undefined) : [];
    const matches = input.kind === "text" ? findProvinces(input.text) : found;
    if (matches.length === 1) return afterProvince(state, matches[0]!, ctx);
    if (matches.length === 0) return again("tracing:invite.noProvince");
    const options = matches.slice(0, 8).map((p) => ({ id: opt("prov", p.code), label: p.name }));
    return {
      state,
      replies: [text(ctx.t("tracing:invite.chooseProvince"), { options: rows(options, 2) })],
    };
  }
  const province = provinceOf(state)!;
  if (state.step === "extent") {
    if (data === opt("whole"))
      return create(roleOf(state), { type: "province", id: province.code }, province.name);
    if (data !== opt("one")) return again("tracing:invite.useButtons");
    const next = at(state, "commune");
    return { state: next, replies: [question(next, ctx)] };
  }
  if (loaded.chosen)
    return create(roleOf(state), { type: "commune", id: loaded.chosen.code }, loaded.chosen.name);
  if (loaded.units === 0) return end([text(ctx.t("tracing:invite.noUnits", { province: province.name }))]);
  if (input.kind !== "text" || !loaded.matches) return again("tracing:invite.askCommuneShort");
  if (loaded.matches.length === 0) return again("tracing:invite.noCommune");
  const options = loaded.matches.map((c) => ({ id: opt("comm", c.code), label: c.name }));
  return { state, replies: [text(ctx.t("tracing:invite.chooseCommune"), { options: rows(options, 2) })] };
}

export function createInviteFlow(): Flow<Loaded> {
  return {
    name: INVITE_FLOW,
    commands: ["invite"],
    requiresPhone: true,
    async load(env: LoadEnv): Promise<Loaded> {
      if (!env.state) return { admin: await isAdmin(env.tx, env.user.id) };
      if (env.state.step !== "commune") return {};
      const province = String(env.state.data.province ?? "");
      const pressed =
        env.input?.kind === "option" ? /^invite:comm:(\d{5})$/.exec(env.input.data)?.[1] : undefined;
      if (pressed) return { chosen: await communeByCode(env.tx, pressed) };
      if (env.input?.kind !== "text") return {};
      return {
        matches: await searchCommunes(env.tx, province, env.input.text),
        units: await countCommunes(env.tx, province),
      };
    },
    start(ctx) {
      if (!ctx.loaded.admin) return end([text(ctx.t("tracing:invite.adminOnly"))]);
      const state: FlowState = { flow: INVITE_FLOW, step: "role", data: {} };
      return { state, replies: [question(state, ctx)] };
    },
    step,
    prompt: (state, ctx) => [question(state, ctx)],
  };
}
