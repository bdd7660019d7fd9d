import { createHash } from "node:crypto";
import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, InlineKeyboard, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createUser,
  type FakeTelegram,
  serveWebhook,
  startFakeTelegram,
  startPolling,
  WebhookError,
} from "./fake-telegram/index.js";

let fake: FakeTelegram;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fake.close();
});

const newBot = (opts: { webhookReply?: boolean } = {}) =>
  new Bot(fake.token, {
    client: { apiRoot: fake.apiRoot, canUseWebhookReply: () => opts.webhookReply === true },
  });
async function poll(bot: Bot) {
  const running = await startPolling(bot);
  cleanups.push(() => running.stop());
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex").slice(0, 12);
const download = async (path: string) =>
  Buffer.from(await (await fetch(`${fake.apiRoot}/file/bot${fake.token}/${path}`)).arrayBuffer());

describe("fake Telegram with long polling", () => {
  it("echoes text, parses commands and handles inline buttons", async () => {
    const bot = newBot();
    bot.command("start", (ctx) => ctx.reply(`start:${ctx.match}`));
    bot.callbackQuery("again", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "ok" });
      await ctx.editMessageText("pressed");
    });
    bot.on("message:text", (ctx) =>
      ctx.reply(ctx.message.text, { reply_markup: new InlineKeyboard().text("Again", "again") }),
    );
    await poll(bot);
    expect(fake.callsOf("getMe")).toHaveLength(1);
    expect(fake.callsOf("deleteWebhook")).toHaveLength(1);

    const user = createUser(fake, { firstName: "An", languageCode: "vi" });
    await user.command("start", "inv_x");
    expect(user.lastText()).toBe("start:inv_x");
    const hi = await user.text("hi");
    expect(user.lastText()).toBe("hi");
    expect(user.repliesSince(hi)).toHaveLength(1);
    expect(user.keyboard().inline).toEqual([[{ text: "Again", data: "again" }]]);
    const sent = user.lastReply();
    expect(sent?.result).toMatchObject({
      message_id: 4,
      chat: { id: user.chatId, type: "private" },
      text: "hi",
    });

    await user.press("Again");
    expect(fake.callsOf("answerCallbackQuery")[0]).toMatchObject({ ok: true, params: { text: "ok" } });
    expect(user.lastReply()?.method).toBe("editMessageText");
    expect(user.lastText()).toBe("pressed");
    expect(fake.messagesIn(user.chatId).at(-1)).toMatchObject({ message_id: 4, text: "pressed" });
    expect(fake.messagesIn(user.chatId).at(-1)?.reply_markup).toBeUndefined();
    await expect(user.press("Again")).rejects.toThrow(/no inline button/);
  });

  it("uploads photos from a Buffer, serves files via getFile and re-sends by file_id", async () => {
    const picture = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const bot = newBot();
    bot.command("photo", (ctx) =>
      ctx.replyWithPhoto(new InputFile(picture, "pic.jpg"), {
        caption: "<b>Pic</b> &amp; more",
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Like", "like:1"),
      }),
    );
    bot.on("message:photo", async (ctx) => {
      const file = await ctx.getFile();
      await ctx.reply(`got ${sha(await download(file.file_path ?? ""))}`);
    });
    bot.on("message:document", (ctx) =>
      ctx.replyWithDocument(ctx.message.document.file_id, { caption: "back" }),
    );
    await poll(bot);
    const user = createUser(fake);

    await user.command("photo");
    const call = fake.callsOf("sendPhoto")[0];
    expect(call?.params).toMatchObject({ chat_id: user.chatId, caption: "<b>Pic</b> &amp; more" });
    expect(call?.params.photo).toMatchObject({ filename: "pic.jpg", bytes: picture });
    expect(user.keyboard().inline).toEqual([[{ text: "Like", data: "like:1" }]]);
    expect(call?.result.caption).toBe("Pic & more");
    const largest = call?.result.photo.at(-1);
    const info = await bot.api.getFile(largest.file_id);
    expect(info.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    expect(sha(await download(info.file_path ?? ""))).toBe(sha(picture));

    const upload = Buffer.from("fake-jpeg-bytes-from-user");
    await user.photo(upload, { caption: "me" });
    expect(user.lastText()).toBe(`got ${sha(upload)}`);
    expect(fake.downloads).toHaveLength(2);

    const huge = fake.addFile(Buffer.from("x"), { fileSize: 25 * 1024 * 1024 });
    await expect(bot.api.getFile(huge.file_id)).rejects.toThrow(/file is too big/);

    await user.document(Buffer.from("%PDF-1.4"), { fileName: "scan.pdf", mimeType: "application/pdf" });
    const doc = user.lastReply();
    expect(doc?.method).toBe("sendDocument");
    expect(typeof doc?.params.document).toBe("string");
    expect(doc?.result.document).toMatchObject({ file_name: "scan.pdf", mime_type: "application/pdf" });
    await expect(bot.api.sendPhoto(user.chatId, "nope")).rejects.toThrow(/wrong file identifier/);
  });

  it("lets autoRetry retry a 429 on sendMessage after retry_after", async () => {
    const bot = newBot();
    bot.api.config.use(autoRetry());
    bot.on("message:text", (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    await poll(bot);
    const user = createUser(fake);
    fake.fail("sendMessage", { status: 429, retryAfter: 1 });
    const started = Date.now();
    await user.text("hello");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const attempts = fake.callsOf("sendMessage");
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[0]?.error?.description).toBe("Too Many Requests: retry after 1");
    expect(user.replies()).toHaveLength(1);
    expect(user.lastText()).toBe("echo hello");
  });

  it("injects 5xx errors and delays", async () => {
    const bot = newBot();
    fake.fail("sendMessage", { status: 502, times: 2 });
    for (let i = 0; i < 2; i++)
      await expect(bot.api.sendMessage(1, "x")).rejects.toMatchObject({ error_code: 502 });
    await expect(bot.api.sendMessage(1, "x")).resolves.toMatchObject({ text: "x" });
    fake.fail("getMe", { delayMs: 300 });
    const started = Date.now();
    await bot.api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("re-delivers updates until a later getUpdates offset confirms them", async () => {
    const bot = newBot();
    const user = createUser(fake);
    const a = fake.enqueue({
      message: { message_id: 1, date: 0, chat: { id: user.id, type: "private" }, text: "a" },
    });
    const b = fake.enqueue({
      message: { message_id: 2, date: 0, chat: { id: user.id, type: "private" }, text: "b" },
    });
    expect((await bot.api.getUpdates()).map((u) => u.update_id)).toEqual([a, b]);
    expect((await bot.api.getUpdates({ limit: 1 })).map((u) => u.update_id)).toEqual([a]);
    expect((await bot.api.getUpdates({ offset: a + 1 })).map((u) => u.update_id)).toEqual([b]);
    expect(fake.pendingCount()).toBe(1);

    const slow = bot.api.getUpdates({ offset: b + 1, timeout: 5 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await expect(newBot().api.getUpdates({ offset: b + 1 })).resolves.toEqual([]);
    expect(await slow).toMatchObject({ error_code: 409, description: expect.stringMatching(/^Conflict/) });
    const started = Date.now();
    await expect(bot.api.getUpdates({ offset: b + 1, timeout: 1 })).resolves.toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const seen: number[] = [];
    bot.on("message", async (ctx) => {
      await new Promise((r) => setTimeout(r, 50));
      seen.push(ctx.update.update_id);
    });
    fake.enqueue({ message: { message_id: 3, date: 0, chat: { id: user.id, type: "private" }, text: "c" } });
    await poll(bot);
    const last = await user.text("d");
    expect(seen).toEqual([b + 1, last]);
    expect(fake.pendingCount()).toBe(0);
  });
});

describe("fake Telegram with a webhook", () => {
  it("POSTs updates with the secret token and reports webhook failures", async () => {
    const bot = newBot();
    bot.on("message:text", (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    const server = await serveWebhook(bot, { secretToken: "s3cret" });
    cleanups.push(() => server.close());
    await bot.api.setWebhook(server.url, { secret_token: "s3cret" });
    expect(fake.webhook).toEqual({ url: server.url, secret_token: "s3cret" });
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });

    const user = createUser(fake);
    const id = await user.text("hi");
    expect(user.lastText()).toBe("echo hi");
    const update = { update_id: id, message: user.lastReply()?.result };
    expect((await fake.postToWebhook(update, { secret: "wrong" })).status).toBe(401);
    expect((await fake.postToWebhook(update, { secret: null })).status).toBe(401);
    expect(fake.sent(user.chatId)).toHaveLength(1);
    const replay = {
      update_id: id,
      message: {
        ...update.message,
        from: { id: user.id, is_bot: false, first_name: "U" },
        chat: { id: user.id, type: "private" },
        text: "again",
      },
    };
    expect((await fake.postToWebhook(replay)).status).toBe(200);
    expect((await fake.postToWebhook(replay)).status).toBe(200);
    expect(fake.sent(user.chatId)).toHaveLength(3);

    await bot.api.setWebhook(server.url, { secret_token: "other" });
    const err = await user.text("lost").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect((err as WebhookError).status).toBe(401);
    expect((await bot.api.getWebhookInfo()).last_error_message).toMatch(/401/);
    await bot.api.deleteWebhook();
    expect(fake.webhook).toBeNull();
  });

  it("accepts method calls in webhook replies", async () => {
    const bot = newBot({ webhookReply: true });
    bot.on("message:text", (ctx) => ctx.reply("via webhook reply"));
    const server = await serveWebhook(bot);
    cleanups.push(() => server.close());
    await bot.api.setWebhook(server.url);
    const user = createUser(fake);
    await user.text("hi");
    expect(user.lastText()).toBe("via webhook reply");
    expect(user.lastReply()?.result.message_id).toBeGreaterThan(0);
  });

  it("flushes pending updates to a new webhook unless drop_pending_updates is set", async () => {
    const bot = newBot();
    const seen: string[] = [];
    bot.on("message:text", (ctx) => {
      seen.push(ctx.message.text);
    });
    const server = await serveWebhook(bot);
    cleanups.push(() => server.close());
    const user = createUser(fake);
    const dropped = user.text("dropped").catch((e: Error) => e.message);
    await bot.api.setWebhook(server.url, { drop_pending_updates: true });
    expect(await dropped).toMatch(/dropped/);
    await bot.api.deleteWebhook();
    const kept = user.text("kept");
    expect(fake.pendingCount()).toBe(1);
    await bot.api.setWebhook(server.url);
    await kept;
    expect(seen).toEqual(["kept"]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });
});
