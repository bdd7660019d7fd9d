import { LANGS, type Lang } from "../../core/i18n.js";
import { optionCodec } from "../../core/options.js";

export const LANGUAGE_FLOW = "language";

/** The language buttons: the action is the language ("language:vi"), as before the codec. */
export const languageOptions = optionCodec(
  LANGUAGE_FLOW,
  Object.fromEntries(LANGS.map((l) => [l, [] as const])) as Record<Lang, readonly []>,
);
