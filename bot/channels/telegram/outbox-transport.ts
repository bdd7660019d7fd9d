import { Api, GrammyError, HttpError } from "grammy";
import { DEFAULT_LANG, type I18n, LANGS } from "../../core/i18n.js";
import { menuEntries } from "../../core/menu.js";
import type { OutboxTransport, TransportResult } from "../../platform/outbox/sender.js";
import { sendReplies } from "./send.js";

export interface TelegramOutboxTransportOptions {
  /** A request slower than this is abandoned and retried later; keep it well under the outbox lease. */
  timeoutSeconds?: number;
  /** What a `menu` message publishes: the commands for a set of roles, in each language. */
  menus?: MenuSource;
}

export interface MenuSource {
  i18n: I18n;
  commandsFor(roles: readonly string[]): Set<string>;
}

/**
 * A chat's own menu: its person's commands in each language (and for clients in other languages); with no
 * role left, the chat's menus are deleted so that the residents' default shows again.
 */
async function publishChatMenu(api: Api, chatId: number, roles: string[], menus: MenuSource): Promise<void> {
  const scope = { type: "chat" as const, chat_id: chatId };
  for (const lang of [...LANGS, undefined]) {
    if (roles.length === 0) {
      await api.deleteMyCommands({ scope, language_code: lang });
      continue;
    }
    const commands = menuEntries(menus.i18n.t(lang ?? DEFAULT_LANG), menus.commandsFor(roles));
    await api.setMyCommands(commands, { scope, language_code: lang });
  }
}

// 400s that mean the chat itself cannot be written to, as opposed to a message Telegram refuses.
const UNREACHABLE_400 =
  /chat not found|user not found|peer_id_invalid|chat_write_forbidden|have no rights to send|upgraded to a supergroup|group chat was deactivated/i;

/**
 * Sends one outbox message over the Bot API and says what became of it. It talks through its own Api
 * object, made from the given one's token and options but without its transformers: grammY's auto-retry
 * would sleep on a 429 inside one send, while the sender must see it and pause everything it sends.
 */
export function createTelegramOutboxTransport(
  api: Api,
  opts: TelegramOutboxTransportOptions = {},
): OutboxTransport {
  const plain = new Api(api.token, { ...api.options, timeoutSeconds: opts.timeoutSeconds ?? 20 });
  return async (msg) => {
    const chatId = Number(msg.chatId);
    if (!Number.isSafeInteger(chatId))
      return { kind: "rejected", error: `not a Telegram chat id: ${msg.chatId}` };
    try {
      if (msg.reply.kind === "menu") {
        if (opts.menus) await publishChatMenu(plain, chatId, msg.reply.roles, opts.menus);
        return { kind: "ok" };
      }
      await sendReplies(plain, chatId, [msg.reply]);
      return { kind: "ok" };
    } catch (err) {
      return classifyTelegramError(err);
    }
  };
}

export function classifyTelegramError(err: unknown): TransportResult {
  if (err instanceof GrammyError) {
    const what = `${err.error_code} ${err.description}`;
    if (err.error_code === 429) return { kind: "retryAfter", seconds: err.parameters.retry_after ?? 5 };
    if (err.error_code === 403) return { kind: "unreachable", reason: err.description };
    if (err.error_code === 400 && UNREACHABLE_400.test(err.description))
      return { kind: "unreachable", reason: err.description };
    if (err.error_code === 400) return { kind: "rejected", error: what };
    // 5xx, and 401/404 (a revoked token, a wrong API root): worth trying again later.
    return { kind: "transient", error: what };
  }
  if (err instanceof HttpError) return { kind: "transient", error: `network: ${err.message}` };
  return { kind: "transient", error: String(err) };
}
