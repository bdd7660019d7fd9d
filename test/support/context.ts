import { createI18n, type Lang } from "../../bot/core/i18n.js";
import type { Channel, StepContext, UserView } from "../../bot/core/types.js";

const i18n = createI18n();

export function stepContext(
  opts: { lang?: Lang; user?: Partial<UserView>; channel?: Channel; now?: Date } = {},
): StepContext<undefined> {
  const lang = opts.lang ?? "vi";
  return {
    now: opts.now ?? new Date("2026-11-26T03:00:00Z"),
    lang,
    t: i18n.t(lang),
    user: { id: 1, lang, phone: null, ...opts.user },
    timeZone: "Asia/Ho_Chi_Minh",
    channel: opts.channel ?? "telegram",
    loaded: undefined,
  };
}

export { i18n };
