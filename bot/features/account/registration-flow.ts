import { HOME_FLOW } from "../../core/home-flow.js";
import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Reply, StepContext } from "../../core/types.js";
import { formatPhone, normalizePhone } from "../../shared/phone.js";

const NAME = "registration";

function question(ctx: StepContext): Reply {
  const terminal = ctx.channel === "terminal";
  return text(ctx.t(terminal ? "account:registration.askPhoneTerminal" : "account:registration.askPhone"), {
    requestContact: ctx.t("account:registration.shareButton"),
  });
}

/** The flow a person was heading for before registration ("declare", or "checkin cp_x"). */
function afterRegistration(after: unknown): { flow: string; payload?: string } | undefined {
  if (typeof after !== "string" || after === "") return undefined;
  const space = after.indexOf(" ");
  return space < 0 ? { flow: after } : { flow: after.slice(0, space), payload: after.slice(space + 1) };
}

/**
 * Registration asks for the person's own phone number. Only a contact the channel vouches for as the
 * sender's own is accepted; anything else is explained and the same question asked again.
 */
export function createRegistrationFlow(): Flow {
  const state: FlowState = { flow: NAME, step: "phone", data: {} };
  return {
    name: NAME,
    start: (ctx, payload) => ({
      state: { ...state, data: payload ? { after: payload } : {} },
      replies: [question(ctx)],
    }),
    prompt: (_s, ctx) => [question(ctx)],
    step(current, input, ctx) {
      const again = (key: string, vars: Record<string, string> = {}) => ({
        state: current,
        replies: [text(ctx.t(key, vars)), question(ctx)],
      });
      if (input.kind === "contact") {
        if (!input.own) return again("account:registration.notOwn");
        const phone = normalizePhone(input.phone, { international: ctx.channel !== "terminal" });
        if (!phone) return again("account:registration.invalidPhone", { phone: input.phone.slice(0, 32) });
        return end(
          [text(ctx.t("account:registration.done", { phone: formatPhone(phone) }), { removeKeyboard: true })],
          {
            effects: [{ type: "account.setPhone", phone }],
            // Nowhere to go back to: the home message leads on, the declaration first.
            next: afterRegistration(current.data.after) ?? { flow: HOME_FLOW, payload: "registered" },
          },
        );
      }
      if (input.kind === "text" && /^[+\d\s().-]{6,}$/.test(input.text.trim()))
        return again("account:registration.typed");
      return again("account:registration.wrongInput");
    },
  };
}
