import { end, text } from "../../core/replies.js";
import type { Flow, Input, StepContext, StepResult } from "../../core/types.js";
import type {} from "./effects.js";
import { AUDIT_FLOW, auditOptions } from "./options.js";

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
  const csv = auditOptions.match(input, "csv");
  if (!csv) return null;
  const [by, who] = csv;
  const filter = by === "a" && who ? { actor: who } : by === "s" && who ? { subject: who } : {};
  return end([], { effects: [{ type: "tracing.audit", ...filter, export: true }] });
}

export function createAuditFlow(): Flow {
  return {
    name: AUDIT_FLOW,
    commands: ["audit"],
    roles: ["admin"],
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
