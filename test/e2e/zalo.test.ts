import { Writable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../bot/app.js";
import { createI18n } from "../../bot/core/i18n.js";
import { main } from "../../bot/main.js";
import { identities, processedUpdates, users, zaloInteractions, zaloTokens } from "../../db/schema/index.js";
import {
  createZaloUser,
  type FakeZalo,
  messageText,
  type SentMessage,
  startFakeZalo,
  WebhookPoster,
  type ZaloUser,
} from "../fake-zalo/index.js";
import { type FreshDatabase, freshDatabase } from "../support/db.js";

const texts = (ms: SentMessage[]) => ms.map(messageText);

describe("the bot on Zalo", () => {
  let fake: FakeZalo;
  let db: FreshDatabase;
  let app: App;
  let poster: WebhookPoster;
  const logs: string[] = [];

  async function start() {
    const env = {
      ...db.env,
      ...fake.env,
      PORT: "0",
      LOG_LEVEL: "info",
      TERMINAL_CHAT: "off",
      // The defaults, stated: each test's person sends fewer than 8 events, the flood test far more.
      RATE_LIMIT_BURST: "8",
      RATE_LIMIT_PER_MINUTE: "30",
    };
    const logDestination = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    app = await main(env, { logDestination });
    poster = new WebhookPoster(fake, `http://127.0.0.1:${app.http?.port}/zalo/webhook`);
  }
  const user = (id?: string): ZaloUser => createZaloUser(poster, { id, settle: () => app.zalo!.settled() });
  const account = async (zaloId: string) => {
    const [row] = await app.database.db
      .select({ phone: users.phone, lang: users.lang })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(eq(identities.externalId, zaloId));
    return row;
  };
  const storedTokens = async () => (await app.database.db.select().from(zaloTokens))[0];

  beforeAll(async () => {
    fake = await startFakeZalo();
    db = await freshDatabase();
    await start();
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    await db?.drop();
  });

  it("welcomes a follower with the language choice and registers them with the phone Zalo shares", async () => {
    const u = user();
    const welcome = await u.follow();
    expect(texts(welcome).join("\n")).toContain("Chọn ngôn ngữ");
    expect(u.buttons().map((b) => [b.title, b.type])).toEqual([
      ["Tiếng Việt", "oa.query.hide"],
      ["English", "oa.query.hide"],
    ]);
    expect(u.buttons()[0]?.payload).toMatch(/^#o:/);

    const english = await u.press("English");
    expect(texts(english)[0]).toContain("English");
    expect(texts(english).join("\n")).toContain("Before we start");
    const chosen = await u.press("✅ I agree");
    const ask = chosen.at(-1)?.message.attachment?.payload;
    expect(ask).toMatchObject({ template_type: "request_user_info" });
    expect(texts(chosen).at(-1)).toContain("📱 Share my phone number");

    const typed = await u.text("0912345678");
    expect(texts(typed)[0]).toContain("don't type your number");
    expect((await account(u.id))?.phone).toBeNull();

    const shared = await u.submitInfo("84912345678");
    expect(texts(shared)[0]).toContain("Your phone number 0912 345 678 is saved");
    expect(await account(u.id)).toEqual({ phone: "+84912345678", lang: "en" });

    const again = await u.text("/start");
    expect(texts(again)[0]).toContain("Your phone number: 0912 345 678");
    const [seen] = await app.database.db
      .select()
      .from(zaloInteractions)
      .where(eq(zaloInteractions.userId, u.id));
    expect(seen?.lastInteractionAt).toBeInstanceOf(Date);
  });

  it("answers a sticker, a broken photo and a stale button without acting on them", async () => {
    const u = user();
    expect(texts(await u.sticker())[0]).toContain("nhãn dán");
    // A photo outside any flow is read as a QR to check in with; a broken one is explained.
    const photo = await u.image(fake.serveFile(Buffer.from([0xff, 0xd8, 0xff, 0xd9])));
    expect(texts(photo)).toEqual([expect.stringContaining("Tôi không mở được ảnh này")]);
    expect(texts(await u.text("#o:nothing:here"))[0]).toContain("Nút này không còn dùng được nữa.");
  });

  it("refuses a forged, unsigned or stale delivery and does nothing", async () => {
    const u = user();
    const before = fake.sent.length;
    expect((await poster.text(u.id, "/start", { secret: "not-the-secret" })).status).toBe(401);
    expect((await poster.text(u.id, "/start", { unsigned: true })).status).toBe(401);
    expect((await poster.text(u.id, "/start", { at: new Date(Date.now() - 60 * 60_000) })).status).toBe(403);
    const tampered = await poster.text(u.id, "/start");
    const forged = await poster.replay({ ...tampered, raw: tampered.raw.replace("/start", "/help") });
    expect(forged.status).toBe(401);
    await app.zalo!.settled();
    expect(fake.sent.slice(before).filter((m) => m.userId === u.id)).toHaveLength(1);
    expect(await account(u.id)).toBeDefined();
  });

  it("gives a replayed msg_id no second effect", async () => {
    const u = user();
    await u.follow();
    const first = await u.press("Tiếng Việt");
    expect(first.length).toBeGreaterThan(0);
    const msgId = JSON.parse(u.lastDelivery!.raw).message.msg_id as string;
    const replay = await u.replay();
    expect(u.lastDelivery?.status).toBe(200);
    expect(replay).toEqual([]);
    // Zalo's retry of the same event, even re-serialised, is the same msg_id.
    expect(await u.text("#o:language:en", { msgId })).toEqual([]);
    expect((await account(u.id))?.lang).toBe("vi");
    const claimed = await app.database.db
      .select()
      .from(processedUpdates)
      .where(eq(processedUpdates.updateId, `m:${msgId}`));
    expect(claimed).toHaveLength(1);
  });

  it("refreshes an expired access token, stores the new pair, and the message still goes out", async () => {
    const u = user();
    await u.follow();
    fake.tokens.expireAll();
    const refreshes = fake.tokens.refreshes;
    const mark = fake.calls.length;
    const help = await u.text("/help");
    expect(texts(help)[0]).toContain("/lang");
    expect(fake.tokens.refreshes).toBe(refreshes + 1);
    const sends = fake.calls.slice(mark).filter((c) => c.path === "/v3.0/oa/message/cs");
    expect(sends.map((c) => c.error)).toEqual([-220, ...help.map(() => 0)]);
    const stored = await storedTokens();
    expect(stored?.refreshToken).toBe(fake.tokens.refreshToken);
    expect(stored?.accessToken).toBe(sends.at(-1)?.accessToken);
    expect(stored?.accessExpiresAt.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
  });

  it("spends the refresh token once when several messages meet an expired token together", async () => {
    const people = [user(), user(), user()];
    for (const p of people) await p.follow();
    fake.tokens.expireAll();
    const refreshes = fake.tokens.refreshes;
    const answers = await Promise.all(people.map((p) => p.text("/help")));
    for (const a of answers) expect(texts(a)[0]).toContain("/lang");
    expect(fake.tokens.refreshes).toBe(refreshes + 1);
    expect(fake.tokens.rejectedRefreshes).toBe(0);
  });

  it("keeps going when Zalo refuses a reply or is briefly down", async () => {
    const u = user();
    fake.fail("/v3.0/oa/message/cs", {
      error: -230,
      message: "User has not interacted with the OA in the past 7 days",
    });
    expect(await u.follow()).toEqual([]);
    expect(u.lastDelivery?.status).toBe(200);
    fake.fail("/v3.0/oa/message/cs", { status: 502 });
    expect(texts(await u.text("/help"))[0]).toContain("/lang");
    expect(logs.join("")).toContain("zalo replies failed");
  });

  it("limits a flooding chat as Telegram does: one 'slow down', the excess dropped before the database", async () => {
    const flooder = user();
    const bystander = user();
    await bystander.follow();
    const metric = async (name: string) => {
      const body = await (await fetch(`http://127.0.0.1:${app.http?.port}/metrics`)).text();
      return Number(new RegExp(`^healthbot_${name} (\\d+)$`, "m").exec(body)?.[1] ?? 0);
    };
    const claimed = async () => (await app.database.db.select().from(processedUpdates)).length;
    const limitedBefore = await metric("zalo_updates_rate_limited_total");
    const claimedBefore = await claimed();
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push((await poster.text(flooder.id, `tin nhắn ${i}`)).status);
      if (i % 20 === 10) expect(texts(await bystander.text("/help"))[0]).toContain("/lang");
    }
    await app.zalo!.settled();
    const seconds = (Date.now() - started) / 1000;
    // Every delivery is acknowledged, so Zalo sends none of them again.
    expect(statuses).toEqual(Array(60).fill(200));
    const limited = (await metric("zalo_updates_rate_limited_total")) - limitedBefore;
    const handled = 60 - limited;
    // A burst of 8, then one every 2 s.
    expect(handled).toBeGreaterThanOrEqual(8);
    expect(handled).toBeLessThanOrEqual(8 + Math.ceil(seconds / 2) + 1);
    // Only the handled events (and the bystander's three) reached the database.
    expect((await claimed()) - claimedBefore).toBe(handled + 3);
    const slowDown = createI18n().t("vi")("common:slowDown");
    expect(texts(flooder.messages()).filter((x) => x === slowDown)).toHaveLength(1);
    expect(texts(bystander.messages())).not.toContain(slowDown);
  }, 60_000);

  it("keeps the rotated tokens across a restart with the same environment", async () => {
    expect(fake.tokens.refreshes).toBeGreaterThan(0);
    await app.stop();
    await start();
    const u = user();
    const refreshes = fake.tokens.refreshes;
    expect(texts(await u.follow())[0]).toContain("Chọn ngôn ngữ");
    expect(fake.tokens.refreshes).toBe(refreshes);
    expect(fake.tokens.rejectedRefreshes).toBe(0);
  });

  it("answers Zalo's unsigned check of the webhook URL and keeps tokens and secrets out of its logs", async () => {
    const res = await fetch(poster.url, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(200);
    const all = logs.join("");
    expect(all).toContain("zalo update handled");
    for (const secret of [
      fake.tokens.first.accessToken,
      fake.tokens.first.refreshToken,
      fake.tokens.refreshToken,
      (await storedTokens())?.accessToken ?? "none",
      fake.appSecret,
      fake.webhookSecret,
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
