import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError, HttpError } from "grammy";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  classifyTelegramError,
  createTelegramOutboxTransport,
} from "../../../bot/channels/telegram/outbox-transport.js";
import { enqueue } from "../../../bot/platform/outbox/enqueue.js";
import { createOutboxSender } from "../../../bot/platform/outbox/sender.js";
import type { Database } from "../../../db/client.js";
import { chatReachability, outbox } from "../../../db/schema/index.js";
import { type FakeTelegram, startFakeTelegram } from "../../fake-telegram/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { rowByKey, testLock, textMessage, virtualTime } from "./outbox-support.js";

let fresh: FreshDatabase;
let database: Database;
let fake: FakeTelegram;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});
beforeEach(async () => {
  fake = await startFakeTelegram();
  await database.db.delete(outbox);
  await database.db.delete(chatReachability);
});
afterEach(() => fake.close());

/** The bot's own api, auto-retry installed as in production: the transport must bypass it. */
function botApi() {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  return bot.api;
}

async function drain() {
  const time = virtualTime();
  const sender = createOutboxSender({
    db: database.db,
    channel: "telegram",
    transport: createTelegramOutboxTransport(botApi()),
    lock: testLock(fresh, fake.token),
    clock: time.clock,
    sleep: time.sleep,
    ratePerSecond: 100,
    backoffMs: () => 1000,
  });
  await sender.drain();
  await sender.stop();
  return sender.stats();
}

const sentTo = (chatId: number) => fake.sent(chatId).map((c) => c.params.text ?? c.params.caption);

describe("outbox over the Telegram Bot API (fake server)", () => {
  it("sends text with buttons, a photo and a document", async () => {
    await enqueue(database.db, [
      {
        channel: "telegram",
        chatId: "501",
        dedupeKey: "t",
        reply: { kind: "text", text: "Nhắc khai báo", options: [[{ id: "report:open", label: "Khai báo" }]] },
      },
      {
        channel: "telegram",
        chatId: "502",
        dedupeKey: "p",
        reply: { kind: "photo", png: new Uint8Array([137, 80, 78, 71]), caption: "QR", fileName: "qr.png" },
      },
      {
        channel: "telegram",
        chatId: "503",
        dedupeKey: "d",
        reply: { kind: "document", bytes: Buffer.from("a,b\n"), fileName: "log.csv", mimeType: "text/csv" },
      },
    ]);
    expect(await drain()).toMatchObject({ sent: 3, failed: 0 });
    const [text] = fake.sent(501);
    expect(text?.params).toMatchObject({
      text: "Nhắc khai báo",
      reply_markup: { inline_keyboard: [[{ text: "Khai báo", callback_data: "report:open" }]] },
    });
    expect(fake.sent(502)[0]?.method).toBe("sendPhoto");
    expect(fake.sent(503)[0]?.params.document.filename).toBe("log.csv");
  });

  it("sees a 429 itself (no auto-retry), pauses, then delivers", async () => {
    await enqueue(database.db, [textMessage("601", "a"), textMessage("602", "b")]);
    fake.fail("sendMessage", { status: 429, retryAfter: 30 });
    const stats = await drain();
    expect(stats).toMatchObject({ sent: 2, rateLimited: 1 });
    const calls = fake.callsOf("sendMessage").map((c) => [c.params.chat_id, c.status]);
    expect(calls[0]).toEqual([601, 429]);
    expect(calls.filter(([, status]) => status === 200)).toHaveLength(2);
    expect(sentTo(601)).toEqual(["a"]);
  });

  it("marks a chat that blocked the bot unreachable; retries a 500", async () => {
    await enqueue(database.db, [textMessage("701", "blocked"), textMessage("702", "flaky")]);
    fake.blockChat(701);
    fake.fail("sendMessage", { status: 500 });
    const stats = await drain();
    expect(stats).toMatchObject({ sent: 1, unreachable: 1 });
    expect(await rowByKey(database, "blocked")).toMatchObject({ status: "unreachable" });
    expect(await rowByKey(database, "flaky")).toMatchObject({ status: "sent" });
    const [row] = await database.db.select().from(chatReachability);
    expect(row).toMatchObject({ chatId: "701", reason: "Forbidden: bot was blocked by the user" });
  });

  it("classifies Bot API errors", () => {
    const err = (code: number, description: string, parameters = {}) =>
      new GrammyError("x", { ok: false, error_code: code, description, parameters }, "sendMessage", {});
    expect(classifyTelegramError(err(429, "Too Many Requests", { retry_after: 12 }))).toEqual({
      kind: "retryAfter",
      seconds: 12,
    });
    expect(classifyTelegramError(err(403, "Forbidden: user is deactivated")).kind).toBe("unreachable");
    expect(classifyTelegramError(err(400, "Bad Request: chat not found")).kind).toBe("unreachable");
    expect(classifyTelegramError(err(400, "Bad Request: message is too long")).kind).toBe("rejected");
    expect(classifyTelegramError(err(502, "Bad Gateway")).kind).toBe("transient");
    expect(classifyTelegramError(new HttpError("net", new Error("ECONNRESET"))).kind).toBe("transient");
  });
});
