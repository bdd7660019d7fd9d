import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, Reply, StepContext, StepResult } from "../../core/types.js";
import {
  answerCommune,
  answerProvince,
  type CommuneList,
  type CommuneLookup,
  communeButtons,
  communeListNote,
  lookupCommunes,
  pickerIds,
  provinceButtons,
} from "../../shared/place-picker.js";
import { type Province, provinceByCode } from "../../shared/provinces.js";
import { isAdmin } from "../../shared/roles.js";
import type {} from "./effects.js";
import { INVITE_FLOW, inviteOptions } from "./options.js";

const ROLES = ["commune_officer", "district_officer"] as const;
type OfficerRole = (typeof ROLES)[number];

/** Whether the person is an administrator (at the start); the communes matching a typed name. */
type Loaded = { admin?: boolean; commune?: CommuneLookup };

const provinceIds = pickerIds(inviteOptions, "prov");
const communeIds = pickerIds(inviteOptions, "comm");
const roleOf = (s: FlowState) => s.data.role as OfficerRole;
const provinceOf = (s: FlowState) => provinceByCode(String(s.data.province ?? ""));
const at = (state: FlowState, step: string, data: Record<string, unknown> = {}): FlowState => ({
  ...state,
  step,
  data: { ...state.data, ...data },
});

function question(state: FlowState, ctx: StepContext, edit = false): Reply {
  const t = ctx.t;
  switch (state.step) {
    case "role":
      return text(t("tracing:invite.role"), {
        options: [
          ROLES.map((r) => ({ id: inviteOptions.build("role", r), label: t(`invitation:roles.${r}`) })),
        ],
      });
    case "province": {
      const several = state.data.provinces as Province[] | undefined;
      return text(t("tracing:invite.askProvince"), {
        options: provinceButtons(provinceIds, undefined, several),
      });
    }
    case "extent":
      return text(t("tracing:invite.extent", { province: provinceOf(state)?.name ?? "" }), {
        options: [
          [
            { id: inviteOptions.build("whole"), label: t("tracing:invite.whole") },
            { id: inviteOptions.build("one"), label: t("tracing:invite.one") },
          ],
        ],
      });
    default: {
      const ask = t("tracing:invite.askCommune", { province: provinceOf(state)?.name ?? "" });
      const list = state.data.communes as CommuneList | undefined;
      if (!list) return text(ask);
      return text(`${ask}\n${communeListNote(list, ctx)}`, {
        options: communeButtons(list, communeIds, ctx),
        edit,
      });
    }
  }
}

const create = (role: OfficerRole, scope: { type: "commune" | "province"; id: string }, label: string) =>
  end([], { effects: [{ type: "tracing.invite", role, scope, label }] });

function afterProvince(state: FlowState, p: Province, ctx: StepContext): StepResult {
  const next = at(state, roleOf(state) === "district_officer" ? "extent" : "commune", { province: p.code });
  return { state: next, replies: [question(next, ctx)] };
}

function step(state: FlowState, input: Input, ctx: StepContext<Loaded>): StepResult {
  const again = (key: string) => ({ state, replies: [text(`⚠️ ${ctx.t(key)}`), question(state, ctx)] });
  if (state.step === "role") {
    const pressed = inviteOptions.match(input, "role")?.[0];
    const role = ROLES.find((r) => r === pressed);
    if (!role) return again("tracing:invite.useButtons");
    const next = at(state, "province", { role });
    return { state: next, replies: [question(next, ctx)] };
  }
  if (state.step === "province") {
    const answer = answerProvince(input, provinceIds);
    if (answer.kind === "chosen")
      return afterProvince(at(state, "province", { provinces: undefined }), answer.province, ctx);
    if (answer.kind === "several") {
      const next = at(state, "province", { provinces: answer.provinces });
      return { state: next, replies: [question(next, ctx)] };
    }
    if (answer.kind === "notFound")
      return {
        state,
        replies: [
          text(`⚠️ ${ctx.t("places:provinceNotFound", { typed: answer.typed })}`),
          question(state, ctx),
        ],
      };
    return again("tracing:invite.useButtons");
  }
  const province = provinceOf(state)!;
  if (state.step === "extent") {
    if (inviteOptions.match(input, "whole"))
      return create(roleOf(state), { type: "province", id: province.code }, province.name);
    if (!inviteOptions.match(input, "one")) return again("tracing:invite.useButtons");
    const next = at(state, "commune");
    return { state: next, replies: [question(next, ctx)] };
  }
  const answer = answerCommune(
    input,
    communeIds,
    state.data.communes as CommuneList | undefined,
    ctx.loaded?.commune,
  );
  switch (answer.kind) {
    case "chosen":
      return create(roleOf(state), { type: "commune", id: answer.commune.code }, answer.commune.name);
    case "list": {
      const next = at(state, "commune", { communes: answer.list });
      return { state: next, replies: [question(next, ctx, answer.edit)] };
    }
    case "notFound": {
      const why = ctx.t("places:communeNotFound", { typed: answer.typed, province: province.name });
      return { state, replies: [text(`⚠️ ${why}`), question(state, ctx)] };
    }
    default:
      return again("tracing:invite.askCommuneShort");
  }
}

/**
 * `/invite` (administrators): a one-time link that makes whoever opens it an officer — a commune officer of
 * one commune, or a district officer of one commune or a whole province. The commune is found by part of its
 * name in the official list; `npm run admin -- invite …` does the same from a shell.
 */
export function createInviteFlow(): Flow<Loaded> {
  return {
    name: INVITE_FLOW,
    commands: ["invite"],
    roles: ["admin"],
    requiresPhone: true,
    async load(env: LoadEnv): Promise<Loaded> {
      if (!env.state) return { admin: await isAdmin(env.tx, env.user.id) };
      if (env.state.step !== "commune" || env.input?.kind !== "text") return {};
      return { commune: await lookupCommunes(env.tx, String(env.state.data.province ?? ""), env.input.text) };
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
