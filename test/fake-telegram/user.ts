import type { FakeTelegram, Json, RecordedCall } from "./types.js";

export interface ScriptedUserOptions {
  id?: number;
  firstName?: string;
  lastName?: string;
  /** IETF language tag; null omits language_code like some clients do. Default "en". */
  languageCode?: string | null;
  username?: string;
}

export interface KeyboardView {
  inline: { text: string; data?: string; url?: string }[][];
  reply: { text: string; request_contact?: boolean; request_location?: boolean }[][] | null;
}

export interface ScriptedUser {
  readonly id: number;
  readonly chatId: number;
  /** Sends "/name payload" with a bot_command entity. */
  command(name: string, payload?: string): Promise<number>;
  text(text: string): Promise<number>;
  /** Shares a contact; userId defaults to own id (own contact), null omits it. */
  contact(phone: string, opts?: { userId?: number | null; firstName?: string }): Promise<number>;
  photo(bytes: Buffer, opts?: { fileSize?: number; caption?: string }): Promise<number>;
  document(
    bytes: Buffer,
    opts: { fileName: string; mimeType: string; fileSize?: number; caption?: string },
  ): Promise<number>;
  sticker(): Promise<number>;
  location(lat: number, lon: number): Promise<number>;
  /** Sends a message with arbitrary extra fields (message_id, from, chat, date are filled in). */
  message(fields: Json): Promise<number>;
  /** Presses the newest inline button whose text or callback_data matches. */
  press(labelOrData: string | RegExp): Promise<number>;
  /** Sends a callback_query with arbitrary data for the newest bot message. */
  pressData(data: string): Promise<number>;
  replies(): RecordedCall[];
  lastReply(): RecordedCall | undefined;
  lastText(): string | undefined;
  repliesSince(updateId: number): RecordedCall[];
  keyboard(call?: RecordedCall): KeyboardView;
}

const userIds = new WeakMap<FakeTelegram, number>();
let callbackSeq = 0;
const now = () => Math.floor(Date.now() / 1000);

export function createUser(fake: FakeTelegram, opts: ScriptedUserOptions = {}): ScriptedUser {
  const id = opts.id ?? nextUserId(fake);
  const firstName = opts.firstName ?? `User${id}`;
  const names = { first_name: firstName, ...(opts.lastName ? { last_name: opts.lastName } : {}) };
  const username = opts.username ? { username: opts.username } : {};
  const languageCode = opts.languageCode === undefined ? "en" : opts.languageCode;
  const from = {
    id,
    is_bot: false,
    ...names,
    ...username,
    ...(languageCode ? { language_code: languageCode } : {}),
  };
  const chat = { id, type: "private", ...names, ...username };

  const message = (fields: Json) =>
    fake.deliver({ message: { message_id: fake.nextMessageId(id), from, chat, date: now(), ...fields } });

  const callback = (msg: Json, data: string) =>
    fake.deliver({
      callback_query: {
        id: `${id}${String(++callbackSeq).padStart(6, "0")}`,
        from,
        message: msg,
        chat_instance: `-${id}77`,
        data,
      },
    });

  const replies = () => fake.sent(id);

  return {
    id,
    chatId: id,
    command(name, payload) {
      const cmd = name.replace(/^\//, "");
      const text = payload ? `/${cmd} ${payload}` : `/${cmd}`;
      return message({ text, entities: [{ offset: 0, length: cmd.length + 1, type: "bot_command" }] });
    },
    text: (text) => message({ text }),
    contact(phone, o = {}) {
      const userId = o.userId === undefined ? id : o.userId;
      const own = userId === id;
      const contact: Json = {
        phone_number: phone,
        first_name: o.firstName ?? (own ? firstName : "Contact"),
        ...(own && opts.lastName ? { last_name: opts.lastName } : {}),
      };
      if (userId !== null) contact.user_id = userId;
      return message({ contact });
    },
    photo(bytes, o = {}) {
      const size = o.fileSize ?? bytes.length;
      const thumbBytes = bytes.subarray(0, Math.min(bytes.length, 2048));
      const thumb = fake.addFile(thumbBytes, { fileSize: Math.min(size, thumbBytes.length) });
      const full = fake.addFile(bytes, { fileSize: size });
      const photo = [
        { ...thumb, width: 90, height: 68 },
        { ...full, width: 1280, height: 960 },
      ];
      return message({ photo, ...(o.caption !== undefined ? { caption: o.caption } : {}) });
    },
    document(bytes, o) {
      const ref = fake.addFile(bytes, {
        fileSize: o.fileSize,
        fileName: o.fileName,
        dir: "documents",
        mimeType: o.mimeType,
      });
      const document = { ...ref, file_name: o.fileName, mime_type: o.mimeType };
      return message({ document, ...(o.caption !== undefined ? { caption: o.caption } : {}) });
    },
    sticker() {
      const ref = fake.addFile(Buffer.from("RIFF\0\0\0\0WEBPVP8 "), {
        fileName: "sticker.webp",
        dir: "stickers",
      });
      const sticker = {
        ...ref,
        type: "regular",
        width: 512,
        height: 512,
        is_animated: false,
        is_video: false,
        emoji: "👍",
      };
      return message({ sticker });
    },
    location: (latitude, longitude) => message({ location: { latitude, longitude } }),
    message,
    async press(labelOrData) {
      const matches = (s: unknown) =>
        typeof s === "string" && (typeof labelOrData === "string" ? s === labelOrData : labelOrData.test(s));
      const messages = fake.messagesIn(id).reverse();
      for (const msg of messages) {
        const buttons: Json[] = msg.reply_markup?.inline_keyboard?.flat() ?? [];
        const button = buttons.find((b) => matches(b.text)) ?? buttons.find((b) => matches(b.callback_data));
        if (!button) continue;
        if (typeof button.callback_data !== "string")
          throw new Error(
            `button "${button.text}" has no callback_data (url/web_app buttons cannot be pressed)`,
          );
        return callback(msg, button.callback_data);
      }
      const available = messages.flatMap((m) =>
        (m.reply_markup?.inline_keyboard?.flat() ?? []).map(
          (b: Json) => `"${b.text}" (${b.callback_data ?? b.url})`,
        ),
      );
      throw new Error(
        `no inline button matches ${labelOrData} in chat ${id}; buttons: ${available.join(", ") || "none"}`,
      );
    },
    async pressData(data) {
      const last = fake.messagesIn(id).pop();
      if (!last) throw new Error(`the bot has sent no message to chat ${id} yet`);
      return callback(last, data);
    },
    replies,
    lastReply: () => replies().at(-1),
    lastText() {
      const c = replies().at(-1);
      const text = c?.params.text ?? c?.params.caption ?? c?.result?.text ?? c?.result?.caption;
      return typeof text === "string" ? text : undefined;
    },
    repliesSince(updateId) {
      const since = new Set(fake.callsSince(updateId));
      return replies().filter((c) => since.has(c));
    },
    keyboard(call) {
      const markup = (call ?? replies().at(-1))?.params.reply_markup;
      const inline = (markup?.inline_keyboard ?? []).map((row: Json[]) =>
        row.map((b) => ({
          text: b.text,
          ...(b.callback_data !== undefined ? { data: b.callback_data } : {}),
          ...(b.url !== undefined ? { url: b.url } : {}),
        })),
      );
      const reply = markup?.keyboard
        ? markup.keyboard.map((row: Json[]) => row.map((b) => (typeof b === "string" ? { text: b } : b)))
        : null;
      return { inline, reply };
    },
  };
}

function nextUserId(fake: FakeTelegram): number {
  const next = (userIds.get(fake) ?? 100_000_000) + 1;
  userIds.set(fake, next);
  return next;
}
