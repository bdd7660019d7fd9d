import type { UserFromGetMe } from "grammy/types";
import { FileStore, fileRef, mimeOf } from "./files.js";
import { ApiError, badRequest, type Json } from "./types.js";
import { renderText, validateReplyMarkup } from "./validation.js";

const CHAT_ACTIONS = new Set(
  "typing upload_photo record_video upload_video record_voice upload_voice upload_document choose_sticker find_location record_video_note upload_video_note".split(
    " ",
  ),
);
const now = () => Math.floor(Date.now() / 1000);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Chats, messages, files and commands, plus the stateless Bot API methods. */
export class TelegramState {
  readonly commands = new Map<string, Json[]>();
  readonly files = new FileStore();
  private readonly chats = new Map<number, Json>();
  private readonly messages = new Map<string, { msg: Json; fromBot: boolean }>();
  private readonly callbackIds = new Set<string>();
  private readonly blocked = new Set<number>();
  private readonly messageIds = new Map<number, number>();
  readonly methods: Record<string, (p: Json) => unknown> = {
    getMe: () => this.botInfo,
    setMyCommands: (p) => this.setMyCommands(p),
    getMyCommands: (p) => this.commands.get(commandsKey(p)) ?? [],
    deleteMyCommands: (p) => this.commands.delete(commandsKey(p)) || true,
    sendMessage: (p) => this.sendMessage(p),
    sendPhoto: (p) => this.sendPhoto(p),
    sendDocument: (p) => this.sendDocument(p),
    editMessageText: (p) => this.edit(p, "text"),
    editMessageCaption: (p) => this.edit(p, "caption"),
    editMessageReplyMarkup: (p) => this.edit(p, "markup"),
    deleteMessage: (p) => this.deleteMessage(p),
    answerCallbackQuery: (p) => this.answerCallbackQuery(p),
    sendChatAction: (p) => this.sendChatAction(p),
    getFile: (p) => this.files.getFile(p),
  };

  constructor(readonly botInfo: UserFromGetMe) {}

  nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, id);
    return id;
  }

  block(chatId: number, blocked: boolean): void {
    if (blocked) this.blocked.add(chatId);
    else this.blocked.delete(chatId);
  }

  /** Learns chats, user messages and callback query ids from an update. */
  observeUpdate(update: Json): void {
    for (const key of ["message", "edited_message", "channel_post", "business_message"]) {
      const msg = update[key];
      if (msg?.chat?.id === undefined) continue;
      this.chats.set(msg.chat.id, msg.chat);
      if (typeof msg.message_id === "number") {
        const seen = this.messageIds.get(msg.chat.id) ?? 0;
        this.messageIds.set(msg.chat.id, Math.max(seen, msg.message_id));
        this.messages.set(`${msg.chat.id}:${msg.message_id}`, { msg, fromBot: false });
      }
    }
    const cq = update.callback_query;
    if (typeof cq?.id === "string") this.callbackIds.add(cq.id);
    if (cq?.message?.chat?.id !== undefined) this.chats.set(cq.message.chat.id, cq.message.chat);
  }

  botMessages(chatId: number): Json[] {
    return [...this.messages.values()]
      .filter((m) => m.fromBot && m.msg.chat.id === chatId)
      .map((m) => m.msg)
      .sort((a, b) => a.message_id - b.message_id);
  }

  private chat(chatId: unknown): Json {
    if (chatId === undefined || chatId === "") throw badRequest("chat_id is empty");
    const id = typeof chatId === "number" ? chatId : Number.NaN;
    if (!Number.isInteger(id)) throw badRequest("chat not found");
    if (this.blocked.has(id)) throw new ApiError(403, "Forbidden: bot was blocked by the user");
    return (
      this.chats.get(id) ??
      (id > 0 ? { id, type: "private", first_name: "User" } : { id, type: "group", title: "Group" })
    );
  }

  private newMessage(p: Json, fields: Json): Json {
    const chat = this.chat(p.chat_id);
    const { username, first_name, id } = this.botInfo;
    const msg: Json = {
      message_id: this.nextMessageId(chat.id),
      from: { id, is_bot: true, first_name, username },
      chat,
      date: now(),
      ...fields,
    };
    const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
    if (replyTo !== undefined) {
      const target = this.messages.get(`${chat.id}:${replyTo}`)?.msg;
      if (target) msg.reply_to_message = target;
      else if (!p.reply_parameters?.allow_sending_without_reply && !p.allow_sending_without_reply)
        throw badRequest("message to be replied not found");
    }
    validateReplyMarkup(p.reply_markup);
    if (p.reply_markup?.inline_keyboard) msg.reply_markup = p.reply_markup;
    this.messages.set(`${chat.id}:${msg.message_id}`, { msg, fromBot: true });
    return msg;
  }

  private caption(p: Json): Json {
    if (p.caption === undefined) return {};
    const caption = renderText(String(p.caption), p.parse_mode);
    if (caption.length > 1024) throw badRequest("message caption is too long");
    return { caption };
  }

  private sendMessage(p: Json): Json {
    if (p.text === undefined || p.text === "") throw badRequest("message text is empty");
    const text = renderText(String(p.text), p.parse_mode);
    if (!text.trim()) throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long");
    return this.newMessage(p, { text });
  }

  private sendPhoto(p: Json): Json {
    const f = this.files.input(p.photo, { dir: "photos" });
    const size = fileRef(f);
    const photo = [
      { ...size, width: 90, height: 90 },
      { ...size, width: 1280, height: 960 },
    ];
    return this.newMessage(p, { photo, ...this.caption(p) });
  }

  private sendDocument(p: Json): Json {
    const f = this.files.input(p.document, { dir: "documents" });
    const document = {
      ...fileRef(f),
      file_name: f.file_name ?? f.file_path.split("/").pop(),
      mime_type: f.mime_type ?? mimeOf(f.file_path),
    };
    return this.newMessage(p, { document, ...this.caption(p) });
  }

  private edit(p: Json, what: "text" | "caption" | "markup"): Json {
    if (p.inline_message_id !== undefined) return true;
    const chat = this.chat(p.chat_id);
    const stored = this.messages.get(`${chat.id}:${p.message_id}`);
    if (!stored) throw badRequest("message to edit not found");
    if (!stored.fromBot) throw badRequest("message can't be edited");
    const next: Json = { ...stored.msg };
    if (what === "text") {
      if (stored.msg.text === undefined) throw badRequest("there is no text in the message to edit");
      if (p.text === undefined || p.text === "") throw badRequest("message text is empty");
      next.text = renderText(String(p.text), p.parse_mode);
      if (next.text.length > 4096) throw badRequest("message is too long");
    } else if (what === "caption") {
      if (stored.msg.text !== undefined) throw badRequest("there is no caption in the message to edit");
      next.caption = this.caption(p).caption;
    }
    validateReplyMarkup(p.reply_markup);
    next.reply_markup = p.reply_markup?.inline_keyboard ? p.reply_markup : undefined;
    if (same(next, stored.msg))
      throw badRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    next.edit_date = now();
    stored.msg = JSON.parse(JSON.stringify(next));
    return stored.msg;
  }

  private deleteMessage(p: Json): true {
    const chat = this.chat(p.chat_id);
    if (!this.messages.delete(`${chat.id}:${p.message_id}`)) throw badRequest("message to delete not found");
    return true;
  }

  private answerCallbackQuery(p: Json): true {
    if (!this.callbackIds.has(String(p.callback_query_id)))
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    if (typeof p.text === "string" && p.text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    return true;
  }

  private sendChatAction(p: Json): true {
    this.chat(p.chat_id);
    if (!CHAT_ACTIONS.has(p.action)) throw badRequest("wrong parameter action in request");
    return true;
  }

  private setMyCommands(p: Json): true {
    if (!Array.isArray(p.commands)) throw badRequest('parameter "commands" is required');
    if (p.commands.length > 100) throw badRequest("too many commands");
    for (const c of p.commands) {
      if (typeof c?.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command))
        throw badRequest("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256)
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
    this.commands.set(commandsKey(p), p.commands);
    return true;
  }
}

/**
 * Key of a command list: the language_code ("" if none) for the default scope;
 * `<scope.type>[:chat_id[:user_id]]/<language_code>` for any other scope.
 */
export function commandsKey(p: Json): string {
  const lang = typeof p.language_code === "string" ? p.language_code : "";
  const scope = p.scope;
  if (!scope || scope.type === "default") return lang;
  const ids = [scope.chat_id, scope.user_id].filter((x) => x !== undefined);
  return `${[scope.type, ...ids].join(":")}/${lang}`;
}
