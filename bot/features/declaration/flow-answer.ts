import type { Input, StepContext } from "../../core/types.js";
import { fold } from "../../shared/fold.js";
import { answerCommune, type CommuneLookup } from "../../shared/place-picker.js";
import { findProvinces, provinceByCode } from "../../shared/provinces.js";
import type { Data } from "./flow-state.js";
import { type Answer, offeredOptions, type Question } from "./form.js";
import { answerIds, declarationOptions, pressedValue } from "./options.js";
import { type AnswerError, firstError, yearSchema } from "./validators.js";

/** What the commune step read from the database for a typed name. */
export type { CommuneLookup };

export type Outcome =
  | { kind: "value"; value: Answer }
  | { kind: "error"; error: AnswerError }
  /** The same question drawn again with new ticks, places or matches. */
  | { kind: "redraw"; data: Data; edit: boolean }
  /** A button of another question or an older message. */
  | { kind: "stale" };

const err = (key: string, vars: Record<string, string | number> = {}): Outcome => ({
  kind: "error",
  error: { key, vars },
});

const isOption = (input: Input, action: "none" | "done") => declarationOptions.match(input, action) !== null;

function typedChoice(q: Question & { type: "choice" }, typed: string, data: Data, ctx: StepContext) {
  const offered = offeredOptions(q.options, data.answers);
  const n = Number(typed.trim());
  if (Number.isInteger(n) && n >= 1 && n <= offered.length) return offered[n - 1]!.value;
  const want = fold(typed);
  if (want === "") return undefined;
  const hits = offered.filter((o) => fold(ctx.t(`declaration:${q.key}.opt.${o.value}`)).includes(want));
  return hits.length === 1 ? hits[0]!.value : undefined;
}

function toggled(q: Question & { type: "multi" | "toggles" }, input: Input, data: Data): Outcome | undefined {
  const value = pressedValue(input, "t", q.id);
  if (value === undefined) return undefined;
  const allowed = q.type === "multi" ? offeredOptions(q.options, data.answers).map((o) => o.value) : q.items;
  if (!allowed.includes(value)) return { kind: "stale" };
  const ticks = new Set(data.ticks ?? []);
  if (ticks.has(value)) ticks.delete(value);
  else ticks.add(value);
  return { kind: "redraw", data: { ...data, ticks: allowed.filter((v) => ticks.has(v)) }, edit: true };
}

function multiOrToggles(q: Question & { type: "multi" | "toggles" }, input: Input, data: Data): Outcome {
  const toggle = toggled(q, input, data);
  if (toggle) return toggle;
  const ticks = data.ticks ?? [];
  const record = (on: string[]) =>
    q.type === "toggles" ? Object.fromEntries(q.items.map((i) => [i, on.includes(i)])) : on;
  if (isOption(input, "none")) return { kind: "value", value: record([]) };
  if (isOption(input, "done")) return { kind: "value", value: record(ticks) };
  return input.kind === "option" ? { kind: "stale" } : err("useButtons");
}

function list(q: Question & { type: "list" }, input: Input, data: Data): Outcome {
  const items = data.items ?? [];
  if (isOption(input, "none")) return { kind: "value", value: [] };
  if (isOption(input, "done")) return { kind: "value", value: items };
  if (input.kind === "option") return { kind: "stale" };
  if (input.kind !== "text") return err("expectText");
  const added: string[] = [];
  for (const part of input.text.split(/[;\n]+/).filter((p) => p.trim() !== "")) {
    const parsed = q.schema.safeParse(part);
    if (!parsed.success) return { kind: "error", error: firstError(parsed.error) };
    added.push(parsed.data);
  }
  if (added.length === 0) return err("expectText");
  if (items.length + added.length > q.maxItems) return err("tooMany", { max: q.maxItems });
  return { kind: "redraw", data: { ...data, items: [...items, ...added] }, edit: false };
}

function commune(q: Question, input: Input, data: Data, loaded: CommuneLookup | undefined): Outcome {
  if (input.kind === "text" && input.text.length > 100) return err("tooLong", { max: 100 });
  const shown = data.matches
    ? { matches: data.matches, page: data.page ?? 0, truncated: data.truncated }
    : undefined;
  const answer = answerCommune(input, answerIds(q.id), shown, loaded);
  switch (answer.kind) {
    case "chosen":
      return { kind: "value", value: answer.commune };
    case "list":
      return { kind: "redraw", data: { ...data, ...answer.list }, edit: answer.edit };
    case "notFound":
      return err("communeNotFound", { typed: answer.typed });
    case "stale":
      return { kind: "stale" };
    case "other":
      return input.kind === "option" ? { kind: "stale" } : err("expectText");
  }
}

/** Reads an input as an answer to `q`: a value, a localized error, or the question redrawn. */
export function interpret(
  q: Question,
  input: Input,
  data: Data,
  ctx: StepContext<{ kind: "start" | "sealing" } | CommuneLookup | undefined>,
): Outcome {
  const env = { now: ctx.now, timeZone: ctx.timeZone };
  switch (q.type) {
    case "text":
    case "year": {
      if (input.kind === "option") return { kind: "stale" };
      if (input.kind !== "text") return err("expectText");
      const schema = q.type === "year" ? yearSchema(ctx.now, ctx.timeZone) : q.schema(data.answers, env);
      const parsed = schema.safeParse(input.text);
      return parsed.success
        ? { kind: "value", value: parsed.data }
        : { kind: "error", error: firstError(parsed.error) };
    }
    case "choice": {
      const value =
        pressedValue(input, "a", q.id) ??
        (input.kind === "text" ? typedChoice(q, input.text, data, ctx) : undefined);
      if (value !== undefined && offeredOptions(q.options, data.answers).some((o) => o.value === value))
        return { kind: "value", value };
      return input.kind === "option" ? { kind: "stale" } : err("useButtons");
    }
    case "multi":
    case "toggles":
      return multiOrToggles(q, input, data);
    case "province": {
      const code = pressedValue(input, "a", q.id);
      if (code !== undefined)
        return provinceByCode(code) ? { kind: "value", value: code } : { kind: "stale" };
      if (input.kind === "option") return { kind: "stale" };
      if (input.kind !== "text") return err("useButtons");
      if (input.text.length > 100) return err("tooLong", { max: 100 });
      const found = findProvinces(input.text);
      if (found.length === 1) return { kind: "value", value: found[0]!.code };
      if (found.length === 0) return err("provinceNotFound", { typed: input.text.trim().slice(0, 60) });
      const matches = found.map((p) => ({ code: p.code, name: p.name }));
      return { kind: "redraw", data: { ...data, matches }, edit: false };
    }
    case "commune":
      return commune(q, input, data, ctx.loaded?.kind === "commune" ? ctx.loaded : undefined);
    case "list":
      return list(q, input, data);
  }
}
