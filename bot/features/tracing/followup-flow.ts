import { end, text } from "../../core/replies.js";
import type { Flow } from "../../core/types.js";
import { OFFICER_ROLES } from "../../shared/officer-scope.js";
import type {} from "./effects.js";

/**
 * `/followup <id>`: one contact of a trace (the short id the trace lists, "#123" or "123") with buttons to
 * record how following them up went. The service checks that the officer may see that trace.
 */
export function createFollowUpFlow(): Flow {
  const usage = (ctx: Parameters<Flow["start"]>[0]) => end([text(ctx.t("tracing:followUp.usage"))]);
  return {
    name: "followup",
    commands: ["followup"],
    roles: OFFICER_ROLES,
    requiresPhone: true,
    start(ctx, payload) {
      const m = /^#?(\d{1,15})$/.exec(payload.trim());
      if (!m) return usage(ctx);
      return end([], { effects: [{ type: "tracing.followUpShow", contactId: Number(m[1]) }] });
    },
    step: (_state, _input, ctx) => usage(ctx),
    prompt: () => [],
  };
}
