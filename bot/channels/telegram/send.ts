import { type Api, GrammyError, InlineKeyboard, InputFile, Keyboard } from "grammy";
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from "grammy/types";
import type { Option, Reply } from "../../core/types.js";

function inline(options: Option[][]): InlineKeyboardMarkup {
  const button = (o: Option) =>
    o.url
      ? o.webApp
        ? InlineKeyboard.webApp(o.label, o.url)
        : InlineKeyboard.url(o.label, o.url)
      : InlineKeyboard.text(o.label, o.id);
  return InlineKeyboard.from(options.map((row) => row.map(button)));
}

function markup(
  reply: Extract<Reply, { kind: "text" }>,
): InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | undefined {
  if (reply.requestContact) {
    return new Keyboard().requestContact(reply.requestContact).resized().oneTime();
  }
  if (reply.options?.length) return inline(reply.options);
  if (reply.removeKeyboard) return { remove_keyboard: true };
  return undefined;
}

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && /message is not modified/i.test(err.description);
}

/**
 * Sends replies in order; an `edit` reply replaces the message whose button was pressed. A `menu` is not a
 * message: the outbox transport publishes it (see outbox-transport.ts).
 */
export async function sendReplies(
  api: Api,
  chatId: number,
  replies: Reply[],
  pressedMessageId?: number,
): Promise<void> {
  for (const reply of replies) {
    if (reply.kind === "text") {
      if (reply.edit && pressedMessageId !== undefined && !reply.requestContact) {
        try {
          await api.editMessageText(chatId, pressedMessageId, reply.text, {
            reply_markup: reply.options?.length ? inline(reply.options) : undefined,
          });
          continue;
        } catch (err) {
          if (isNotModified(err)) continue;
          if (!(err instanceof GrammyError)) throw err;
          // Too old or deleted: fall back to a new message.
        }
      }
      await api.sendMessage(chatId, reply.text, { reply_markup: markup(reply) });
    } else if (reply.kind === "photo") {
      await api.sendPhoto(chatId, new InputFile(Buffer.from(reply.png), reply.fileName ?? "qr.png"), {
        caption: reply.caption,
        reply_markup: reply.options?.length ? inline(reply.options) : undefined,
      });
    } else if (reply.kind === "document") {
      await api.sendDocument(chatId, new InputFile(Buffer.from(reply.bytes), reply.fileName), {
        caption: reply.caption,
      });
    }
  }
}
