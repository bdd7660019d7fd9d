import { LANGS, type Lang } from "../../core/i18n.js";
import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, Reply, StepContext } from "../../core/types.js";
import { languageOptions, LANGUAGE_FLOW as NAME } from "./options.js";

/** Forgiving reading of a typed answer: "1", "vi", "Tiếng Việt", "english"… */
function langFromText(raw: string): Lang | undefined {
  const s = raw.trim().toLowerCase();
  if (s === "1" || s === "vi" || s.startsWith("tiếng") || s.startsWith("tieng") || s.startsWith("viet"))
    return "vi";
  if (s === "2" || s === "en" || s.startsWith("eng") || s.startsWith("anh")) return "en";
  return undefined;
}

function chosen(input: Input): Lang | undefined {
  if (input.kind === "option") return languageOptions.parse(input.data)?.action;
  if (input.kind === "text") return langFromText(input.text);
  return undefined;
}

function question(ctx: StepContext): Reply {
  // Each language is named in itself, Vietnamese first.
  return text(ctx.t("account:language.choose"), {
    options: [
      LANGS.map((l) => ({ id: languageOptions.build(l), label: ctx.t(`account:language.${l}`, { lng: l }) })),
    ],
  });
}

export function createLanguageFlow(): Flow {
  const prompt = (_s: FlowState, ctx: StepContext) => [question(ctx)];
  return {
    name: NAME,
    commands: ["lang"],
    // The payload is where the person was heading ("checkin cp_x"); registration carries it on.
    start: (ctx, payload) => ({
      state: { flow: NAME, step: "choose", data: payload ? { after: payload } : {} },
      replies: [question(ctx)],
    }),
    prompt,
    step(state, input, ctx) {
      const lang = chosen(input);
      if (!lang) return { state, replies: [text(ctx.t("account:language.invalid")), ...prompt(state, ctx)] };
      const replies = [
        text(ctx.t("account:language.chosen", { lng: lang }), { edit: input.kind === "option" }),
      ];
      // Someone who has not registered goes straight on to registration.
      const after = typeof state.data.after === "string" ? state.data.after : "";
      return end(replies, {
        effects: [{ type: "account.setLang", lang }],
        next: ctx.user.phone || state.resume ? undefined : { flow: "registration", payload: after },
      });
    },
  };
}
