import type { ActionsTaking, SpecOf } from "../../core/options.js";
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
import { listPeople } from "../../shared/people.js";
import { isValidAt, latestDeclaration } from "./declarations.js";
import type {} from "./effects.js";
import { DECLARATION_FLOW, FAMILY_FLOW, familyOptions } from "./options.js";
import { formatLocal } from "./time.js";
import { firstError, idNumberSchema, nameSchema, yearSchema } from "./validators.js";

const NAME = FAMILY_FLOW;
export const MAX_DEPENDENTS = 10;
export const RELATIONS = ["child", "parent", "grandparent", "grandchild", "spouse", "sibling", "other"];

interface Member {
  id: number;
  kind: "self" | "dependent";
  fullName: string;
  birthYear: number | null;
  relation: string | null;
  status: "green" | "yellow" | "red" | null;
  validUntil: Date | null;
}

async function load(env: LoadEnv): Promise<Member[]> {
  const people = await listPeople(env.tx, env.user.id);
  return Promise.all(
    people.map(async (p) => {
      const d = await latestDeclaration(env.tx, p.id);
      const valid = d && isValidAt(d, env.now) ? d : null;
      return {
        id: p.id,
        kind: p.kind,
        fullName: p.fullName,
        birthYear: p.birthYear,
        relation: p.relation,
        status: valid?.status ?? null,
        validUntil: valid?.validUntil ?? null,
      };
    }),
  );
}

const members = (ctx: StepContext<Member[]>) => ctx.loaded;
const opt = familyOptions.build;
const pressed = (input: Input, action: ActionsTaking<SpecOf<typeof familyOptions>, readonly []>) =>
  familyOptions.match(input, action) !== null;

function line(m: Member, ctx: StepContext<Member[]>): string {
  const who =
    m.kind === "self"
      ? ctx.t("declaration:family.you")
      : ctx.t(`declaration:family.relation.${m.relation ?? "other"}`);
  const status =
    m.status && m.validUntil
      ? ctx.t("declaration:family.validUntil", {
          status: ctx.t(`declaration:status.${m.status}`),
          until: formatLocal(m.validUntil, ctx.timeZone),
        })
      : ctx.t("declaration:family.noValid");
  return `• ${m.fullName} (${who}${m.birthYear ? `, ${m.birthYear}` : ""}) — ${status}`;
}

function listReply(ctx: StepContext<Member[]>): Reply {
  const list = members(ctx);
  const dependents = list.filter((m) => m.kind === "dependent");
  const body = [ctx.t("declaration:family.title"), ...list.map((m) => line(m, ctx))];
  if (dependents.length === 0) body.push(ctx.t("declaration:family.none"));
  const options: Option[][] = dependents.map((m) => [
    { id: opt("decl", m.id), label: `📝 ${m.fullName}`.slice(0, 40) },
    { id: opt("qr", m.id), label: ctx.t("declaration:family.buttons.qr") },
    { id: opt("rm", m.id), label: "🗑" },
  ]);
  options.push([{ id: opt("add"), label: ctx.t("declaration:family.buttons.add") }]);
  if (list.some((m) => m.status))
    options.push([{ id: opt("cards"), label: ctx.t("declaration:family.buttons.cards") }]);
  return text(body.join("\n"), { options });
}

const ask = (key: string, ctx: StepContext<Member[]>, options?: Option[][]) =>
  text(ctx.t(`declaration:family.ask.${key}`), {
    options: [...(options ?? []), [{ id: opt("cancel"), label: ctx.t("declaration:family.buttons.cancel") }]],
  });

function prompt(state: FlowState, ctx: StepContext<Member[]>): Reply[] {
  switch (state.step) {
    case "name":
      return [ask("name", ctx)];
    case "year":
      return [ask("year", ctx)];
    case "relation": {
      const buttons = RELATIONS.map((r) => ({
        id: opt("rel", r),
        label: ctx.t(`declaration:family.relation.${r}`),
      }));
      return [ask("relation", ctx, rows(buttons, 2))];
    }
    case "id":
      return [ask("id", ctx, [[{ id: opt("skip"), label: ctx.t("declaration:family.buttons.skip") }]])];
    case "remove": {
      const name = String(state.data.name ?? "");
      return [
        text(ctx.t("declaration:family.ask.remove", { name }), {
          options: [
            [{ id: opt("rmyes"), label: ctx.t("declaration:family.buttons.removeYes") }],
            [{ id: opt("list"), label: ctx.t("declaration:family.buttons.removeNo") }],
          ],
        }),
      ];
    }
    default:
      return [listReply(ctx)];
  }
}

const to = (
  step: string,
  data: Record<string, unknown>,
  ctx: StepContext<Member[]>,
  lead: Reply[] = [],
): StepResult => {
  const state = { flow: NAME, step, data };
  return { state, replies: [...lead, ...prompt(state, ctx)] };
};
const again = (
  state: FlowState,
  ctx: StepContext<Member[]>,
  error: string,
  vars: Record<string, unknown> = {},
) => ({
  state,
  replies: [text(`⚠️ ${ctx.t(`declaration:errors.${error}`, vars)}`), ...prompt(state, ctx)],
});
const idOf = (input: Input, action: "decl" | "qr" | "rm") => familyOptions.match(input, action)?.[0] ?? null;

function onList(state: FlowState, input: Input, ctx: StepContext<Member[]>): StepResult {
  const list = members(ctx);
  const declare = idOf(input, "decl");
  const mine = (id: number | null) => list.find((m) => m.kind === "dependent" && m.id === id);
  if (mine(declare)) return end([], { next: { flow: DECLARATION_FLOW, payload: `p${declare}` } });
  const qr = idOf(input, "qr");
  if (mine(qr)) return end([], { effects: [{ type: "declaration.sendQr", personId: qr }] });
  const rm = mine(idOf(input, "rm"));
  if (rm) return to("remove", { personId: rm.id, name: rm.fullName }, ctx);
  if (pressed(input, "cards")) return end([], { effects: [{ type: "declaration.dependentCards" }] });
  if (pressed(input, "add")) {
    if (list.filter((m) => m.kind === "dependent").length >= MAX_DEPENDENTS)
      return end([text(ctx.t("declaration:family.tooMany", { max: MAX_DEPENDENTS }))]);
    return to("name", {}, ctx);
  }
  return again(state, ctx, input.kind === "option" ? "stale" : "useButtons");
}

function onAdd(state: FlowState, input: Input, ctx: StepContext<Member[]>): StepResult {
  const data = state.data;
  const typed = input.kind === "text" ? input.text : undefined;
  if (state.step === "relation") {
    const rel = familyOptions.match(input, "rel")?.[0];
    if (rel !== undefined && RELATIONS.includes(rel)) return to("id", { ...data, relation: rel }, ctx);
    return again(state, ctx, "useButtons");
  }
  if (typed === undefined && !(state.step === "id" && pressed(input, "skip")))
    return again(state, ctx, input.kind === "option" ? "stale" : "expectText");
  const schema =
    state.step === "name"
      ? nameSchema
      : state.step === "year"
        ? yearSchema(ctx.now, ctx.timeZone)
        : idNumberSchema(true);
  const parsed = typed === undefined ? { success: true as const, data: null } : schema.safeParse(typed);
  if (!parsed.success) {
    const e = firstError(parsed.error);
    return again(state, ctx, e.key, e.vars);
  }
  if (state.step === "name") return to("year", { fullName: parsed.data }, ctx);
  if (state.step === "year") return to("relation", { ...data, birthYear: parsed.data }, ctx);
  const added = {
    type: "declaration.addDependent" as const,
    fullName: String(data.fullName),
    birthYear: Number(data.birthYear),
    relation: String(data.relation),
    idNumber: parsed.data === null ? null : String(parsed.data),
  };
  return end([], { effects: [added], next: { flow: NAME } });
}

/** /family: dependents without a phone (khai hộ): add, declare for them, their QR, printable cards. */
export function createFamilyFlow(): Flow<Member[]> {
  return {
    name: NAME,
    commands: ["family"],
    requiresPhone: true,
    load,
    start: (ctx) => to("list", {}, ctx),
    prompt,
    step(state, input, ctx) {
      if (pressed(input, "cancel") || pressed(input, "list"))
        return to("list", {}, ctx, [text(ctx.t("declaration:family.cancelled"), { edit: true })]);
      if (state.step === "list") return onList(state, input, ctx);
      if (state.step === "remove") {
        if (pressed(input, "rmyes")) {
          const personId = Number(state.data.personId);
          return end([], {
            effects: [{ type: "declaration.removeDependent", personId }],
            next: { flow: NAME },
          });
        }
        return again(state, ctx, "useButtons");
      }
      return onAdd(state, input, ctx);
    },
  };
}
