import { Bot, GrammyError, InlineKeyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeTelegram, parseMultipart, renderText, startFakeTelegram } from "./index.js";

let fake: FakeTelegram;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake.close();
});

const newBot = () => new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });

describe("fake Telegram errors", () => {
  it("answers errors like Telegram", async () => {
    const bot = newBot();
    const raw = await fetch(`${fake.apiRoot}/bot${fake.token}/noSuchMethod`, { method: "POST" });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
    await expect(new Bot("1:wrong", { client: { apiRoot: fake.apiRoot } }).api.getMe()).rejects.toMatchObject(
      { error_code: 401 },
    );
    const chat = 4242;
    await expect(bot.api.sendMessage(chat, "a<br>b", { parse_mode: "HTML" })).rejects.toThrow(
      /Unsupported start tag "br"/,
    );
    await expect(bot.api.sendMessage(chat, "Done.", { parse_mode: "MarkdownV2" })).rejects.toThrow(
      /Character '\.' is reserved/,
    );
    await expect(bot.api.sendMessage(chat, "*ok\\.*", { parse_mode: "MarkdownV2" })).resolves.toMatchObject({
      text: "ok.",
    });
    await expect(
      bot.api.sendMessage(chat, "x", { reply_markup: new InlineKeyboard().text("t", "d".repeat(65)) }),
    ).rejects.toThrow(/BUTTON_DATA_INVALID/);
    await expect(bot.api.sendMessage(chat, "")).rejects.toBeInstanceOf(GrammyError);
    const msg = await bot.api.sendMessage(chat, "same");
    await expect(bot.api.editMessageText(chat, msg.message_id, "same")).rejects.toThrow(
      /message is not modified/,
    );
    await expect(bot.api.editMessageText(chat, 999, "x")).rejects.toThrow(/message to edit not found/);
    await expect(bot.api.deleteMessage(chat, msg.message_id)).resolves.toBe(true);
    await expect(bot.api.answerCallbackQuery("nope")).rejects.toThrow(/query ID is invalid/);
    fake.blockChat(chat);
    await expect(bot.api.sendMessage(chat, "x")).rejects.toMatchObject({ error_code: 403 });

    const form = await fetch(`${fake.apiRoot}/bot${fake.token}/sendChatAction`, {
      method: "POST",
      body: new URLSearchParams({ chat_id: "-100", action: "typing" }),
    });
    expect(await form.json()).toEqual({ ok: true, result: true });
    expect(fake.callsOf("sendChatAction")[0]?.params).toEqual({ chat_id: -100, action: "typing" });

    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Bắt đầu" }], { language_code: "vi" });
    expect(fake.commands.get("")).toEqual([{ command: "start", description: "Start" }]);
    expect(fake.commands.get("vi")?.[0]?.description).toBe("Bắt đầu");
    await expect(bot.api.setMyCommands([{ command: "Bad-Cmd", description: "x" }])).rejects.toThrow(
      /BOT_COMMAND_INVALID/,
    );
  });

  it("routes like the Bot API: GET with query, case-insensitive names, custom methods, file auth", async () => {
    const get = await fetch(`${fake.apiRoot}/bot${fake.token}/GETME?x=1`);
    expect(await get.json()).toMatchObject({ ok: true, result: { username: fake.botInfo.username } });
    expect(fake.calls.at(-1)).toMatchObject({ method: "getMe", params: { x: "1" } });
    fake.handle("sendPoll", (p) => ({
      message_id: 1,
      chat: { id: p.chat_id },
      poll: { question: p.question },
    }));
    const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
    await expect(bot.api.sendPoll(5, "Q?", ["a", "b"])).resolves.toMatchObject({ poll: { question: "Q?" } });
    const file = fake.addFile(Buffer.from("secret"));
    const { file_path } = await bot.api.getFile(file.file_id);
    expect((await fetch(`${fake.apiRoot}/file/bot1:wrong/${file_path}`)).status).toBe(401);
    expect((await fetch(`${fake.apiRoot}/file/bot${fake.token}/photos/none.jpg`)).status).toBe(404);
    expect((await fetch(`${fake.apiRoot}/other`)).status).toBe(404);
  });
});

describe("parse modes and multipart parsing", () => {
  it("renders HTML, MarkdownV2 and Markdown like Telegram or rejects them", () => {
    expect(renderText('<b>Hi</b> &lt;3 <a href="https://x.y">link</a>', "HTML")).toBe("Hi <3 link");
    expect(() => renderText("<b>open", "HTML")).toThrow(/Can't find end tag corresponding to start tag "b"/);
    expect(() => renderText("<b><i>x</b></i>", "HTML")).toThrow(/Unmatched end tag/);
    expect(() => renderText("1 < 2", "HTML")).toThrow(/can't parse entities/);
    expect(renderText("*bold* _it_ [link](https://a.b/c?d=1) `x.y` \\(ok\\)", "MarkdownV2")).toBe(
      "bold it link x.y (ok)",
    );
    expect(() => renderText("call (24/7)", "MarkdownV2")).toThrow(/Character '\(' is reserved/);
    expect(() => renderText("snake_case", "MarkdownV2")).toThrow(/Can't find end of Italic entity/);
    expect(renderText(">quote\n*b*", "MarkdownV2")).toBe("quote\nb");
    expect(renderText("*bold* and snake\\_case.", "Markdown")).toBe("bold and snake_case.");
    expect(() => renderText("*open", "Markdown")).toThrow(/byte offset 0/);
  });

  it("parses grammY-style multipart bodies with unquoted filenames", () => {
    const body = Buffer.concat([
      Buffer.from('--XX\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42\r\n--XX\r\n'),
      Buffer.from('content-disposition:form-data;name="photo"\r\n\r\nattach://abc\r\n--XX\r\n'),
      Buffer.from(
        'content-disposition:form-data;name="abc";filename=pic.jpg\r\ncontent-type:image/jpeg\r\n\r\n',
      ),
      Buffer.from([0, 1, 2, 13, 10, 3]),
      Buffer.from("\r\n--XX--\r\n"),
    ]);
    const { fields, files } = parseMultipart(body, "XX");
    expect(fields).toEqual({ chat_id: "42", photo: "attach://abc" });
    expect(files.get("abc")).toEqual({
      filename: "pic.jpg",
      contentType: "image/jpeg",
      bytes: Buffer.from([0, 1, 2, 13, 10, 3]),
    });
  });
});
