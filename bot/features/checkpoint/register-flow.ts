import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, StepContext, StepResult } from "../../core/types.js";
import { countCommunes, searchCommunes } from "../../shared/admin-units.js";
import { normalizePhone } from "../../shared/phone.js";
import { findProvinces, provinceByCode } from "../../shared/provinces.js";
import { isValidStay, parseStay, STAY_DEFAULT_MINUTES } from "./checkin-policy.js";
import { CHECKPOINT_KINDS, type CheckpointKind, checkpointsOf } from "./checkpoints.js";
import type {} from "./effects.js";
import { addressOf, type Data, FLOW, opt, question, readData, stateOf, summary } from "./register-state.js";

type Loaded =
  | { kind: "start"; parents: { id: number; name: string }[] }
  | { kind: "commune"; hasUnits: boolean; matches: { code: string; name: string }[] };

async function load(env: LoadEnv): Promise<Loaded | undefined> {
  if (!env.state) {
    const managed = await checkpointsOf(env.tx, env.user.id, ["checkpoint_manager"]);
    return { kind: "start", parents: managed.slice(0, 20).map((c) => ({ id: c.id, name: c.name })) };
  }
  if (env.state.step === "commune" && env.input?.kind === "text") {
    const province = (env.state.data.province as { code?: string } | undefined)?.code ?? "";
    const hasUnits = province !== "" && (await countCommunes(env.tx, province)) > 0;
    const matches = hasUnits ? await searchCommunes(env.tx, province, env.input.text.slice(0, 100)) : [];
    return { kind: "commune", hasUnits, matches };
  }
  return undefined;
}

/** The value of a pressed "checkpoint:<kind>:<value>" button. */
function pressed(input: Input, kind: string): string | undefined {
  const prefix = `${opt(kind)}:`;
  return input.kind === "option" && input.data.startsWith(prefix)
    ? input.data.slice(prefix.length)
    : undefined;
}

const is = (input: Input, id: string) => input.kind === "option" && input.data === id;

const ask = (step: string, d: Data, ctx: StepContext, lead: string[] = []): StepResult => ({
  state: stateOf(step, { ...d, matches: step === "province" || step === "commune" ? d.matches : undefined }),
  replies: [...lead.map((l) => text(l)), question(step, d, ctx)],
});

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
      const code = pressed(input, "prov");
      const found = code
        ? [provinceByCode(code)].filter((p) => p !== undefined)
        : findProvinces(typed(input) ?? "");
      if (found.length === 1) {
        const p = found[0]!;
        return ask("commune", { ...d, province: { code: p.code, name: p.name }, matches: [] }, ctx);
      }
      if (found.length === 0)
        return retry(stateOf("province", { ...d, matches: [] }), d, "checkpoint:register.noProvince", ctx);
      const matches = found.slice(0, 8).map((p) => ({ code: p.code, name: p.name }));
      return ask("province", { ...d, matches }, ctx);
    }
    case "commune": {
      const v = pressed(input, "comm");
      if (v === "skip") return ask("detail", { ...d, commune: null }, ctx);
      const hit = v ? d.matches?.find((m) => m.code === v) : undefined;
      if (hit) return ask("detail", { ...d, commune: hit }, ctx);
      const name = typed(input);
      const l = ctx.loaded;
      if (!name || l?.kind !== "commune") return again("checkpoint:register.useButtons");
      if (!l.hasUnits) {
        if (name.length < 2 || name.length > 80) return again("checkpoint:register.badCommune");
        return ask("detail", { ...d, commune: { code: null, name } }, ctx);
      }
      if (l.matches.length === 1) return ask("detail", { ...d, commune: l.matches[0]! }, ctx);
      if (l.matches.length === 0) return again("checkpoint:register.noCommune", { typed: name.slice(0, 40) });
      return ask("commune", { ...d, matches: l.matches }, ctx);
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
      const v = pressed(input, "stay");
      const minutes = v !== undefined ? Number(v) : parseStay(typed(input) ?? "");
      if (minutes === null || !isValidStay(minutes)) return again("checkpoint:register.badStay");
      const next = { ...d, stay: minutes };
      return { state: stateOf("confirm", next), replies: [summary(next, ctx)] };
    }
    case "confirm": {
      if (is(input, opt("restart"))) return start({ ...ctx, loaded: { kind: "start", parents: d.parents } });
      if (!is(input, opt("confirm"))) return again("checkpoint:register.useButtons");
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
