import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Reply, StepContext } from "../../core/types.js";
import type {} from "./effects.js";
import type { NoticeTerms } from "./notice.js";
import { CONSENT_FLOW, consentOptions } from "./options.js";

export { CONSENT_FLOW };

/** Where the person was heading ("registration declare", "checkin cp_x"), carried on once they agree. */
function heading(after: unknown): { flow: string; payload?: string } | undefined {
  if (typeof after !== "string" || after === "") return undefined;
  const space = after.indexOf(" ");
  return space < 0 ? { flow: after } : { flow: after.slice(0, space), payload: after.slice(space + 1) };
}

/**
 * The short notice before anything is collected (before the phone is asked, and once for people who
 * registered before it existed): what, what for, who sees it, how long, how to see or erase it; one button
 * to agree, one for the full notice. Nothing else happens until they agree.
 */
export function createConsentFlow(terms: NoticeTerms): Flow {
  const question = (ctx: StepContext): Reply =>
    text(ctx.t("privacy:notice.short", { ...terms }), {
      options: [
        [{ id: consentOptions.build("agree"), label: ctx.t("privacy:notice.agree") }],
        [{ id: consentOptions.build("full"), label: ctx.t("privacy:notice.full") }],
      ],
    });
  return {
    name: CONSENT_FLOW,
    start: (ctx, payload) => ({
      state: { flow: CONSENT_FLOW, step: "ask", data: payload ? { after: payload } : {} },
      replies: [question(ctx)],
    }),
    prompt: (_s: FlowState, ctx) => [question(ctx)],
    step(state, input, ctx) {
      if (consentOptions.match(input, "agree"))
        return end([text(ctx.t("privacy:notice.agreed", { version: terms.version }), { edit: true })], {
          effects: [{ type: "privacy.consent", version: terms.version }],
          next: heading(state.data.after),
        });
      if (consentOptions.match(input, "full"))
        return { state, replies: [text(ctx.t("privacy:notice.text", { ...terms })), question(ctx)] };
      return { state, replies: [text(ctx.t("privacy:notice.useButton")), question(ctx)] };
    },
  };
}

/** /privacy: the full notice, any time, before or after agreeing. */
export function createNoticeFlow(terms: NoticeTerms): Flow {
  return {
    name: "privacy",
    commands: ["privacy"],
    start: (ctx) => end([text(ctx.t("privacy:notice.text", { ...terms }))]),
    step: (_s, _i, ctx) => end([text(ctx.t("common:staleButton"))]),
    prompt: () => [],
  };
}
