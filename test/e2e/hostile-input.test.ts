import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../bot/core/i18n.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { until } from "../support/until.js";

const t = createI18n().t("vi");

async function post(bot: TestBot, body: string | Buffer, secret = "test_webhook_secret_123") {
  const url = bot.fake.webhook?.url ?? "";
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body,
  }).catch((err: Error) => ({ status: -1, err }));
  return res.status;
}

describe("hostile webhook bodies and a flooding chat", () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({
      webhook: true,
      env: { RATE_LIMIT_BURST: "8", RATE_LIMIT_PER_MINUTE: "30", TELEGRAM_CHAT_RATE_PER_SECOND: "1" },
    });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it("answers 413 to a body over the cap and 400 to bodies that are not an update", async () => {
    const msg = (over: object) =>
      JSON.stringify({
        update_id: 61,
        message: { message_id: 1, date: 0, chat: { id: 61, type: "private" }, text: "hi", ...over },
      });
    expect(await post(bot, Buffer.alloc(2 * 1024 * 1024, 0x20))).toBe(413);
    expect(await post(bot, "this is not json")).toBe(400);
    expect(await post(bot, "null")).toBe(400);
    expect(await post(bot, "[]")).toBe(400);
    expect(await post(bot, JSON.stringify({ update_id: "x" }))).toBe(400);
    expect(await post(bot, JSON.stringify({ update_id: 62, callback_query: { id: "c", data: "x" } }))).toBe(
      400,
    );
    expect(
      await post(
        bot,
        JSON.stringify({ update_id: 63, message: { message_id: 1, date: 0, text: "no chat" } }),
      ),
    ).toBe(400);
    expect(await post(bot, msg({ entities: "bold" }))).toBe(400);
    // Still 401 first without the secret, whatever the body.
    expect(await post(bot, "null", "wrong")).toBe(401);
    // Nothing of these reached anyone, and the bot goes on.
    expect(bot.fake.sent(61)).toHaveLength(0);
    const u = bot.user();
    await u.command("start");
    expect(u.lastText()).toBeTruthy();
  });

  it("strips a NUL and other control characters from a typed answer instead of failing the update", async () => {
    const u = bot.user({ languageCode: "vi" });
    await u.command("declare");
    await u.press("language:vi");
    await u.press("consent:agree");
    await u.contact(`8491${String(u.id).slice(-7)}`);
    expect(u.lastText()).toContain(t("declaration:q.fullName.ask"));
    await u.text("Nguyễn\u0000 Văn\u0007 An\u001b");
    expect(u.replies().map((c) => String(c.params.text))).not.toContain(t("common:error"));
    expect(u.lastText()).toContain(t("declaration:q.birthYear.ask"));
  });

  it("answers a chat sending 300 messages in 10 s a bounded number of times, one of them 'slow down'", async () => {
    const flooder = bot.user({ languageCode: "vi" });
    const bystander = bot.user({ languageCode: "vi" });
    await bystander.command("start");
    const chat = flooder.id;
    const started = Date.now();
    const sends: Promise<unknown>[] = [];
    const lags: number[] = [];
    for (let i = 0; i < 300; i++) {
      sends.push(
        bot.fake.postToWebhook({
          message: {
            message_id: 1000 + i,
            date: Math.floor(Date.now() / 1000),
            chat: { id: chat, type: "private" },
            from: { id: chat, is_bot: false, first_name: "Flood", language_code: "vi" },
            text: `tin nhắn ${i}`,
          },
        }),
      );
      if (i % 30 === 15) {
        const before = Date.now();
        await bystander.command("help");
        lags.push(Date.now() - before);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, started + ((i + 1) * 10_000) / 300 - Date.now())));
    }
    await Promise.all(sends);
    const seconds = (Date.now() - started) / 1000;
    await until(() => bot.fake.pendingCount() === 0, "the webhook queue to empty");
    const toFlooder = bot.fake.sent(chat).map((c) => String(c.params.text));
    // A burst of 8, then one every 2 s: 13 answers and one "slow down" over 10 s (more if this busy machine
    // took longer to send them all).
    expect(toFlooder.length).toBeLessThanOrEqual(8 + Math.ceil(seconds / 2) + 1);
    expect(toFlooder.filter((x) => x === t("common:slowDown"))).toHaveLength(1);
    // The bystander was answered every time (how fast is measured in the bench, not asserted here).
    expect(lags).toHaveLength(10);
    expect(
      bystander.replies().filter((c) => String(c.params.text).startsWith(t("common:helpIntro"))).length,
    ).toBe(10);
  }, 60_000);
});
