import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, StepContext, StepResult } from "../../core/types.js";
import { normalizePhone } from "../../shared/phone.js";
import {
  answerCommune,
  answerProvince,
  type CommuneLookup,
  lookupCommunes,
} from "../../shared/place-picker.js";
import { isValidStay, parseStay, STAY_DEFAULT_MINUTES } from "./checkin-policy.js";
import { CHECKPOINT_KINDS, type CheckpointKind, checkpointsOf } from "./checkpoints.js";
import type {} from "./effects.js";
import { registerOptions } from "./options.js";
import {
  addressOf,
  communeIds,
  type Data,
  FLOW,
  provinceIds,
  question,
  readData,
  stateOf,
  summary,
} from "./register-state.js";

type Loaded = { kind: "start"; parents: { id: number; name: string }[] } | CommuneLookup;

async function load(env: LoadEnv): Promise<Loaded | undefined> {
  if (!env.state) {
    const managed = await checkpointsOf(env.tx, env.user.id, ["checkpoint_manager"]);
    return { kind: "start", parents: managed.slice(0, 20).map((c) => ({ id: c.id, name: c.name })) };
  }
  if (env.state.step === "commune" && env.input?.kind === "text") {
    const province = (env.state.data.province as { code?: string } | undefined)?.code ?? "";
    return lookupCommunes(env.tx, province, env.input.text);
  }
  return undefined;
}

/** The token of a pressed registration button of this action. */
const pressed = (input: Input, action: "parent" | "phone" | "kind") =>
  registerOptions.match(input, action)?.[0];

const is = (input: Input, action: "confirm" | "restart") => registerOptions.match(input, action) !== null;

const ask = (step: string, d: Data, ctx: StepContext, lead: string[] = [], edit = false): StepResult => {
  const keep = step === "province" || step === "commune";
  const next = keep ? d : { ...d, matches: undefined, page: undefined, truncated: undefined };
  return {
    state: stateOf(step, next),
    replies: [...lead.map((l) => text(l)), question(step, next, ctx, edit)],
  };
};

const retry = (state: FlowState, d: Data, key: string, ctx: StepContext, vars: Record<string, string> = {}) =>
  ({ state, replies: [text(`⚠️ ${ctx.t(key, vars)}`), question(state.step, d, ctx)] }) satisfies StepResult;

function typed(input: Input): string | undefined {
  return input.kind === "text" ? input.text.trim().replace(/\s+/g, " ") : undefined;
}

function step(state: FlowState, input: Input, ctx: StepContext<Loaded | undefined>): StepResult {
  const d = readData(state.data);
  if (!d) return end([text(ctx.t("common:error"))]);
  const again = (key: string, vars?: Record<string, string>) => retry(state, d, key, ctx, vars);
  switch (state.step) {
    case "parent": {
      const v = pressed(input, "parent");
      if (v === "none") return ask("name", { ...d, parentId: null }, ctx);
      const parent = d.parents.find((p) => String(p.id) === v);
      if (!parent) return again("checkpoint:register.useButtons");
      return ask("name", { ...d, parentId: parent.id, parentName: parent.name }, ctx);
    }
    case "name": {
      const name = typed(input);
      if (!name || name.length < 2 || name.length > 120) return again("checkpoint:register.badName");
      return d.parentId ? ask("stay", { ...d, name }, ctx) : ask("phone", { ...d, name }, ctx);
    }
    case "phone": {
      if (pressed(input, "phone") === "mine") return ask("province", { ...d, phone: ctx.user.phone }, ctx);
      // A shared contact comes without "+" but is international; a typed number is read as Vietnamese.
      const phone =
        input.kind === "contact"
          ? normalizePhone(input.phone, { international: true })
          : normalizePhone(typed(input) ?? "");
      if (!phone) return again("checkpoint:register.badPhone");
      return ask("province", { ...d, phone }, ctx);
    }
    case "province": {
      const answer = answerProvince(input, provinceIds);
      if (answer.kind === "chosen") {
        const p = answer.province;
        return ask("commune", { ...d, province: { code: p.code, name: p.name }, matches: undefined }, ctx);
      }
      if (answer.kind === "several")
        return ask(
          "province",
          { ...d, matches: answer.provinces.map((p) => ({ code: p.code, name: p.name })) },
          ctx,
        );
      if (answer.kind === "notFound")
        return retry(stateOf("province", { ...d, matches: undefined }), d, "places:provinceNotFound", ctx, {
          typed: answer.typed,
        });
      return again("checkpoint:register.useButtons");
    }
    case "commune": {
      const shown = d.matches ? { matches: d.matches, page: d.page ?? 0, truncated: d.truncated } : undefined;
      const answer = answerCommune(input, communeIds, shown, ctx.loaded);
      switch (answer.kind) {
        case "chosen":
          return ask("detail", { ...d, commune: answer.commune }, ctx);
        case "list":
          return ask("commune", { ...d, ...answer.list }, ctx, [], answer.edit);
        case "notFound":
          return again("places:communeNotFound", { typed: answer.typed, province: d.province?.name ?? "" });
        default:
          return again("checkpoint:register.typeCommune");
      }
    }
    case "detail": {
      const detail = typed(input);
      if (!detail || detail.length < 3 || detail.length > 200) return again("checkpoint:register.badDetail");
      return ask("kind", { ...d, detail }, ctx);
    }
    case "kind": {
      const v = pressed(input, "kind") ?? typed(input);
      const n = Number(v);
      const kind = (CHECKPOINT_KINDS as readonly string[]).includes(v ?? "")
        ? (v as CheckpointKind)
        : Number.isInteger(n) && n >= 1 && n <= CHECKPOINT_KINDS.length
          ? CHECKPOINT_KINDS[n - 1]
          : undefined;
      if (!kind) return again("checkpoint:register.useButtons");
      return ask("stay", { ...d, kind }, ctx);
    }
    case "stay": {
      const preset = registerOptions.match(input, "stay")?.[0];
      const minutes = preset ?? parseStay(typed(input) ?? "");
      if (minutes === null || !isValidStay(minutes)) return again("checkpoint:register.badStay");
      const next = { ...d, stay: minutes };
      return { state: stateOf("confirm", next), replies: [summary(next, ctx)] };
    }
    case "confirm": {
      if (is(input, "restart")) return start({ ...ctx, loaded: { kind: "start", parents: d.parents } });
      if (!is(input, "confirm")) return again("checkpoint:register.useButtons");
      return end([text(ctx.t("checkpoint:register.creating"), { edit: true })], {
        effects: [
          {
            type: "checkpoint.create",
            name: d.name ?? "",
            parentId: d.parentId ?? null,
            phone: d.phone ?? null,
            provinceCode: d.province?.code ?? null,
            communeCode: d.commune?.code ?? null,
            address: addressOf(d),
            kind: d.kind ?? "other",
            stayMinutes: d.stay ?? STAY_DEFAULT_MINUTES,
          },
        ],
      });
    }
  }
  return end([text(ctx.t("common:error"))]);
}

function start(ctx: StepContext<Loaded | undefined>): StepResult {
  const l = ctx.loaded;
  const parents = l?.kind === "start" ? l.parents : [];
  const d: Data = { parents };
  const intro = ctx.t("checkpoint:register.intro");
  return parents.length > 0 ? ask("parent", d, ctx, [intro]) : ask("name", d, ctx, [intro]);
}

/** /checkpoint: registers a checkpoint (or a part of one the person manages) by chat. */
export function createCheckpointRegisterFlow(): Flow<Loaded | undefined> {
  return {
    name: FLOW,
    commands: ["checkpoint"],
    requiresPhone: true,
    load,
    start: (ctx) => start(ctx),
    step,
    prompt: (state, ctx) => {
      const d = readData(state.data);
      return d ? [question(state.step, d, ctx)] : [];
    },
  };
}
