import { end, text } from "../../core/replies.js";
import type { Flow, Input, StepContext, StepResult } from "../../core/types.js";
import type {} from "./effects.js";

/**
 * `/audit` (administrators): the newest audit rows; `/audit actor <who>` or `/audit subject <who>` (a user
 * id "#12" or a phone number) to filter; an Export button sends them as CSV. Nothing can change the log.
 */
export function readAuditArgs(payload: string): { actor?: string; subject?: string } | null {
  const s = payload.trim();
  if (s === "") return {};
  const m = /^(actor|subject|by|about)\s+(\S{1,32})$/i.exec(s);
  if (!m) return null;
  const kind = m[1]!.toLowerCase();
  return kind === "actor" || kind === "by" ? { actor: m[2] } : { subject: m[2] };
}

/** The Export button under a listing, with its filter in the data (kept short: ids and phones only). */
export function auditMenu(input: Input, _ctx: StepContext): StepResult | null {
  if (input.kind !== "option") return null;
  const m = /^audit:csv(?::(a|s):(\S{1,32}))?$/.exec(input.data);
  if (!m) return null;
  const filter = m[1] === "a" ? { actor: m[2] } : m[1] === "s" ? { subject: m[2] } : {};
  return end([], { effects: [{ type: "tracing.audit", ...filter, export: true }] });
}

export function createAuditFlow(): Flow {
  return {
    name: "audit",
    commands: ["audit"],
    requiresPhone: true,
    start(ctx, payload) {
      const args = readAuditArgs(payload);
      if (!args) return end([text(ctx.t("tracing:audit.usage"))]);
      return end([], { effects: [{ type: "tracing.audit", ...args }] });
    },
    step: (_state, _input, ctx) => end([text(ctx.t("tracing:audit.usage"))]),
    prompt: () => [],
  };
}
