import type { TFunction } from "i18next";
import { displayShortCode } from "../core/short-code.js";

/**
 * How people reach the bot from a link, a poster or an invitation, for the channels this deployment runs:
 * a t.me deep link on Telegram; on Zalo, where a link cannot carry a payload, the OA's chat and a short code
 * to send there. An invitation is usually forwarded to someone else, whose channel the sender does not know,
 * so `ways` names every channel the deployment has.
 */
export interface Links {
  /** The Telegram bot's username once it is known (after getMe); undefined without Telegram. */
  botUsername(): string | undefined;
  /** `https://t.me/<bot>?start=<payload>`, or undefined without Telegram. */
  deepLink(payload: string): string | undefined;
  /** Whether the deployment runs a Zalo Official Account. */
  zalo: boolean;
  /** The OA's chat link (`https://zalo.me/<OA id>`), when its id is configured. */
  zaloChat: string | undefined;
  /** One line per channel saying how to open `payload` (or send `code`), in the reader's language. */
  ways(t: TFunction, target: { payload: string; code: string }, lng?: string): string;
  /** Where a Zalo user sends a code: the chat link, or the OA named in words. */
  zaloPlace(t: TFunction, lng?: string): string;
}

export function createLinks(opts: {
  botUsername: () => string | undefined;
  zalo?: { oaId?: string };
}): Links {
  const zaloChat = opts.zalo?.oaId ? `https://zalo.me/${opts.zalo.oaId}` : undefined;
  const deepLink = (payload: string) => {
    const bot = opts.botUsername();
    return bot ? `https://t.me/${bot}?start=${payload}` : undefined;
  };
  const zaloPlace = (t: TFunction, lng?: string) => zaloChat ?? t("common:links.zaloOa", { lng });
  return {
    botUsername: opts.botUsername,
    deepLink,
    zalo: Boolean(opts.zalo),
    zaloChat,
    zaloPlace,
    ways(t, { payload, code }, lng) {
      const lines: string[] = [];
      const link = deepLink(payload);
      const shown = displayShortCode(code);
      if (link) lines.push(t("common:links.telegram", { link, lng }));
      if (opts.zalo) lines.push(t("common:links.zalo", { code: shown, chat: zaloPlace(t, lng), lng }));
      if (lines.length === 0) lines.push(t("common:links.local", { payload, code: shown, lng }));
      return lines.join("\n");
    },
  };
}
