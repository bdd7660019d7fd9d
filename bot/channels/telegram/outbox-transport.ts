import { Api, GrammyError, HttpError } from "grammy";
import type { OutboxTransport, TransportResult } from "../../platform/outbox/sender.js";
import { sendReplies } from "./send.js";

export interface TelegramOutboxTransportOptions {
  /** A request slower than this is abandoned and retried later; keep it well under the outbox lease. */
  timeoutSeconds?: number;
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
