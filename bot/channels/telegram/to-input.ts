import type { Update } from "grammy/types";
import type { Input } from "../../core/types.js";

export interface TelegramEvent {
  input: Input;
  userId: number;
  chatId: number;
  languageCode?: string;
  /** The message carrying the pressed button, so a reply can replace it. */
  callback?: { id: string; messageId?: number };
}

/** Reads a Telegram update as a transport-free input; null for updates the bot does not act on. */
export function toInput(update: Update): TelegramEvent | null {
  const cq = update.callback_query;
  if (cq) {
    const chatId = cq.message?.chat.id ?? cq.from.id;
    const input: Input = cq.data ? { kind: "option", data: cq.data } : { kind: "unsupported", what: "game" };
    return {
      input,
      userId: cq.from.id,
      chatId,
      languageCode: cq.from.language_code,
      callback: { id: cq.id, messageId: cq.message?.message_id },
    };
  }
  const m = update.message;
  if (!m?.from || m.chat.type !== "private") return null;
  const base = { userId: m.from.id, chatId: m.chat.id, languageCode: m.from.language_code };
  return { ...base, input: messageInput(m, m.from.id) };
}

type Message = NonNullable<Update["message"]>;

function messageInput(m: Message, fromId: number): Input {
  if (typeof m.text === "string") {
    const cmd = m.entities?.find((e) => e.type === "bot_command" && e.offset === 0);
    if (cmd) {
      const command = m.text.slice(1, cmd.length).split("@")[0]?.toLowerCase() ?? "";
      return { kind: "command", command, payload: m.text.slice(cmd.length).trim() };
    }
    return { kind: "text", text: m.text };
  }
  if (m.contact) {
    // Telegram fills user_id only for a contact that is a Telegram user; it is ours only if it is the sender.
    return { kind: "contact", phone: m.contact.phone_number, own: m.contact.user_id === fromId };
  }
  if (m.photo && m.photo.length > 0) {
    const largest = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return { kind: "photo", fileRef: largest.file_id, size: largest.file_size };
  }
  if (m.document) {
    return {
      kind: "document",
      fileRef: m.document.file_id,
      fileName: m.document.file_name,
      mimeType: m.document.mime_type,
      size: m.document.file_size,
    };
  }
  if (m.location) return { kind: "location", latitude: m.location.latitude, longitude: m.location.longitude };
  const what = (
    ["sticker", "voice", "video", "audio", "animation", "video_note", "poll", "dice", "venue"] as const
  ).find((k) => m[k] !== undefined);
  return { kind: "unsupported", what: what ?? "other" };
}
