import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identities, processedUpdates, users } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";

const texts = (u: ScriptedUser, since = 0) =>
  u.repliesSince(since).map((c) => String(c.params.text ?? c.params.caption ?? ""));

async function phoneOf(bot: TestBot, telegramId: number) {
  const [row] = await bot.app.database.db
    .select({ phone: users.phone, lang: users.lang })
    .from(identities)
    .innerJoin(users, eq(users.id, identities.userId))
    .where(eq(identities.externalId, String(telegramId)));
  return row;
}

describe.each([
  { mode: "long polling", webhook: false },
  { mode: "webhook", webhook: true },
])("the bot over $mode", ({ webhook }) => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ webhook });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it("publishes its commands in Vietnamese and English", () => {
    expect(bot.fake.commands.get("vi")?.map((c) => c.command)).toEqual(
      expect.arrayContaining(["start", "help", "lang", "cancel"]),
    );
    expect(bot.fake.commands.get("en")?.find((c) => c.command === "lang")?.description).toBe(
      "Change language",
    );
    expect(bot.fake.commands.get("")?.find((c) => c.command === "lang")?.description).toBe("Đổi ngôn ngữ");
    if (webhook) expect(bot.fake.webhook?.secret_token).toBe("test_webhook_secret_123");
  });

  it("registers a resident in Vietnamese, refusing someone else's contact and a sticker without losing the flow", async () => {
    const u = bot.user({ languageCode: "vi" });
    const start = await u.command("start");
    expect(
      u
        .keyboard()
        .inline.flat()
        .map((b) => b.text),
    ).toEqual(["Tiếng Việt", "English"]);
    await u.press("Tiếng Việt");
    expect(texts(u, start).join("\n")).toContain("Đã chọn tiếng Việt.");
    await u.press("consent:agree");
    expect(u.keyboard().reply?.[0]?.[0]).toMatchObject({
      request_contact: true,
      text: "📱 Chia sẻ số điện thoại",
    });

    const sticker = await u.sticker();
    expect(texts(u, sticker)[0]).toContain("nhãn dán");
    expect(u.keyboard().reply?.[0]?.[0]).toMatchObject({ request_contact: true });

    const other = await u.contact("+84 987 654 321", { userId: u.id + 1 });
    expect(texts(u, other)[0]).toContain("số điện thoại của người khác");
    const typed = await u.text("0912345678");
    expect(texts(u, typed)[0]).toContain("không gõ số điện thoại");
    expect((await phoneOf(bot, u.id))?.phone).toBeNull();

    const own = await u.contact("84912345678");
    expect(texts(u, own)[0]).toContain("Đã lưu số điện thoại 0912 345 678");
    // The contact keyboard goes away with the confirmation; the home message then leads to the declaration.
    const [done, home] = u.repliesSince(own);
    expect(done?.params.reply_markup).toEqual({ remove_keyboard: true });
    expect(JSON.stringify(home?.params.reply_markup)).toContain("home:cmd:declare");
    expect(await phoneOf(bot, u.id)).toEqual({ phone: "+84912345678", lang: "vi" });
  });

  it("registers a resident in English and remembers the language", async () => {
    const u = bot.user({ languageCode: "en" });
    await u.command("start");
    await u.press("English");
    await u.press("consent:agree");
    const own = await u.contact("+44 7911 123456");
    expect(texts(u, own)[0]).toContain("Your phone number +44 7911 123456 is saved");
    const again = await u.command("start");
    expect(texts(u, again)[0]).toContain("Your phone number: +44 7911 123456");
    const help = await u.command("help");
    expect(texts(u, help)[0]).toContain("/lang");
  });

  it("answers a stray button and an unknown command", async () => {
    const u = bot.user();
    await u.command("start");
    await u.press("English");
    await u.press("consent:agree");
    const stray = await u.pressData("nothing:here");
    expect(texts(u, stray)[0]).toBe("That button is no longer active.");
    expect(u.keyboard().reply?.[0]?.[0]).toMatchObject({ request_contact: true });
    const unknown = await u.command("frobnicate");
    expect(texts(u, unknown)[0]).toContain("/frobnicate");
  });

  it("retries a 429 on sendMessage and the reply arrives", async () => {
    const u = bot.user();
    bot.fake.fail("sendMessage", { status: 429, retryAfter: 1, times: 1 });
    const id = await u.command("start");
    const sends = bot.fake.callsSince(id).filter((c) => c.method === "sendMessage");
    expect(sends[0]?.status).toBe(429);
    expect(sends.at(-1)?.ok).toBe(true);
    expect(texts(u, id)[0]).toContain("Chọn ngôn ngữ");
  });

  it("retries a 500 and keeps running", async () => {
    const u = bot.user();
    bot.fake.fail("sendMessage", { status: 500, times: 1 });
    const id = await u.command("help");
    expect(texts(u, id)[0]).toContain("/help");
  });

  it("keeps no token or secret in its logs", () => {
    const all = bot.logs.join("");
    expect(all).toContain("update handled");
    expect(all).not.toContain(bot.fake.token);
    expect(all).not.toContain("test_webhook_secret_123");
  });
});

describe("webhook deliveries", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ webhook: true });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it("refuses a request without the secret with 401 and does nothing", async () => {
    const update = {
      update_id: 990001,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 5, type: "private" },
        from: { id: 5, is_bot: false, first_name: "X" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    expect((await bot.fake.postToWebhook(update, { secret: null })).status).toBe(401);
    expect((await bot.fake.postToWebhook(update, { secret: "wrong" })).status).toBe(401);
    expect(bot.fake.sent(5)).toHaveLength(0);
  });

  it("has one effect for the same update delivered twice", async () => {
    const u = bot.user();
    await u.command("start");
    const update = {
      update_id: 9900002,
      callback_query: {
        id: "cb-9900002",
        from: { id: u.id, is_bot: false, first_name: "Dup" },
        chat_instance: "1",
        message: bot.fake.messagesIn(u.id).at(-1),
        data: "language:en",
      },
    };
    const first = await bot.fake.postToWebhook(update);
    const second = await bot.fake.postToWebhook(update);
    expect([first.status, second.status]).toEqual([200, 200]);
    const chosen = u.replies().filter((c) => String(c.params.text).includes("English selected"));
    expect(chosen).toHaveLength(1);
    const rows = await bot.app.database.db
      .select()
      .from(processedUpdates)
      .where(eq(processedUpdates.updateId, "9900002"));
    expect(rows).toHaveLength(1);
  });

  it("acknowledges a webhook only after the effects are committed", async () => {
    const u = bot.user();
    await u.command("start");
    await u.press("Tiếng Việt");
    await u.press("consent:agree");
    await u.contact("0912000111".replace(/^0/, "84"));
    // deliver() resolved when the HTTP response arrived: the phone must already be readable.
    expect((await phoneOf(bot, u.id))?.phone).toBe("+84912000111");
  });

  it("reports the database on /healthz and counters on /metrics", async () => {
    const port = bot.app.http?.port;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "up" });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/healthbot_updates_handled_total \d+/);
    expect(metrics).toMatch(/healthbot_updates_duplicate_total 1/);
  });
});

describe("long polling re-delivery", () => {
  it("has one effect when a poll batch is delivered again after a restart", async () => {
    const first = await startTestBot();
    const u = first.user();
    await u.command("start");
    const update = {
      update_id: 880001,
      callback_query: {
        id: "cb-880001",
        from: { id: u.id, is_bot: false, first_name: "Again" },
        chat_instance: "1",
        message: first.fake.messagesIn(u.id).at(-1),
        data: "language:en",
      },
    };
    await first.fake.deliver(update);
    await first.app.stop();
    // The process died before Telegram saw the offset: the same batch comes again to the next process.
    const second = await startTestBot({ fake: first.fake, db: first.db });
    try {
      await second.fake.deliver(update);
      const chosen = u.replies().filter((c) => String(c.params.text).includes("English selected"));
      expect(chosen).toHaveLength(1);
      expect(second.logs.join("")).toContain("duplicate update skipped");
    } finally {
      await second.stop();
      await first.fake.close();
      await first.db.drop();
    }
  });
});

describe("error boundary", () => {
  it("tells the person to try again and keeps running when handling fails", async () => {
    const bot = await startTestBot();
    try {
      const u = bot.user({ languageCode: "en" });
      await u.command("start");
      // Break the database under the bot: the next update's transaction fails.
      await bot.app.database.db.execute("alter table sessions rename to sessions_gone" as never);
      const failed = await u.press("English");
      expect(texts(u, failed).at(-1)).toBe("Sorry, something went wrong. Please try again in a few minutes.");
      await bot.app.database.db.execute("alter table sessions_gone rename to sessions" as never);
      const ok = await u.command("help");
      expect(texts(u, ok)[0]).toContain("/lang");
      expect(bot.logs.join("")).toContain("update failed");
    } finally {
      await bot.stop();
    }
  });
});
