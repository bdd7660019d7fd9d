import type { Option, Reply, StepResult } from "./types.js";

export function text(
  text: string,
  extra: Omit<Extract<Reply, { kind: "text" }>, "kind" | "text"> = {},
): Reply {
  return { kind: "text", text, ...extra };
}

/** Options laid out `perRow` to a row. */
export function rows(options: Option[], perRow = 1): Option[][] {
  const out: Option[][] = [];
  for (let i = 0; i < options.length; i += perRow) out.push(options.slice(i, i + perRow));
  return out;
}

export function end(replies: Reply[], extra: Omit<StepResult, "state" | "replies"> = {}): StepResult {
  return { state: null, replies, ...extra };
}
