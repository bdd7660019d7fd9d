import { Bot, InlineKeyboard, Keyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser, type FakeTelegram, startFakeTelegram, startPolling } from "./index.js";

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
async function poll(bot: Bot) {
  const running = await startPolling(bot);
  cleanups.push(() => running.stop());
}

describe("scripted users", () => {
  it("scripts contacts, locations, stickers and reply keyboards", async () => {
    const bot = newBot();
    bot.command("phone", (ctx) =>
      ctx.reply("Share?", { reply_markup: new Keyboard().requestContact("Share phone").oneTime() }),
    );
    bot.on("message:contact", (ctx) =>
      ctx.reply(ctx.message.contact.user_id === ctx.from.id ? "own" : "foreign"),
    );
    bot.on("message:location", (ctx) => ctx.reply(`at ${ctx.message.location.latitude}`));
    bot.on("message:sticker", (ctx) => ctx.reply("nice sticker"));
    await poll(bot);
    const user = createUser(fake, { id: 42, username: "an" });
    await user.command("/phone");
    expect(user.keyboard().reply).toEqual([[{ text: "Share phone", request_contact: true }]]);
    expect(user.keyboard().inline).toEqual([]);
    await user.contact("+84901234567");
    expect(user.lastText()).toBe("own");
    await user.contact("+84901234568", { userId: 7 });
    expect(user.lastText()).toBe("foreign");
    await user.contact("+84901234569", { userId: null });
    expect(user.lastText()).toBe("foreign");
    await user.location(10.5, 106.7);
    expect(user.lastText()).toBe("at 10.5");
    await user.sticker();
    expect(user.lastText()).toBe("nice sticker");
    expect(user.replies()).toHaveLength(6);

    const err = await fake.waitFor((c) => c.method === "sendInvoice", 100).catch((e: Error) => e);
    expect(String(err)).toMatch(/waitFor timed out after 100 ms[\s\S]*sendMessage/);
    const call = await fake.waitFor((c) => c.method === "sendMessage" && c.result?.text === "own");
    expect(call.params.chat_id).toBe(42);
  });

  it("presses buttons by label, regex or raw data and follows edits", async () => {
    const bot = newBot();
    const menu = (n: number) =>
      new InlineKeyboard().text(`Count ${n}`, `count:${n}`).url("Docs", "https://example.org");
    bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: menu(0) }));
    bot.callbackQuery(/^count:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup({ reply_markup: menu(Number(ctx.match[1]) + 1) });
    });
    bot.on("callback_query:data", (ctx) =>
      ctx.answerCallbackQuery({ text: `unknown ${ctx.callbackQuery.data}` }),
    );
    bot.on("message:document", (ctx) =>
      ctx.reply(`doc ${ctx.message.document.file_name} ${ctx.message.caption}`),
    );
    await poll(bot);
    const user = createUser(fake);
    await user.command("menu");
    await user.press("Count 0");
    const pressed = await user.press(/^Count/);
    expect(user.repliesSince(pressed).map((c) => c.method)).toEqual(["editMessageReplyMarkup"]);
    expect(user.keyboard().inline).toEqual([
      [
        { text: "Count 2", data: "count:2" },
        { text: "Docs", url: "https://example.org" },
      ],
    ]);
    expect(user.lastText()).toBe("Menu");
    await expect(user.press("Docs")).rejects.toThrow(/no callback_data/);
    await user.pressData("stale:1");
    expect(fake.callsOf("answerCallbackQuery").at(-1)?.params.text).toBe("unknown stale:1");
    await user.document(Buffer.from("a,b"), { fileName: "list.csv", mimeType: "text/csv", caption: "mine" });
    expect(user.lastText()).toBe("doc list.csv mine");
    expect(fake.callsOf("answerCallbackQuery").every((c) => c.ok)).toBe(true);
  });
});
