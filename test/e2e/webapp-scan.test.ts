import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInitData } from "../../bot/features/webapp/init-data.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { freePort, startTestBot, type TestBot } from "../support/bot-harness.js";
import { ARTEFACTS, launchChromium, phonePage } from "../support/browser.js";
import { i18n } from "../support/context.js";
import { until } from "../support/until.js";
import { declare, registerCheckpoint, registered, visitsOf } from "./checkpoints-support.js";

const t = i18n.t("vi");

/**
 * The scanning screen of the Mini App. Telegram's scanner is played by a stand-in for the client's bridge
 * (window.TelegramWebviewProxy), which answers the page's "open scanner" event with the code it "read".
 */
describe("in-app QR scanning (Telegram Mini App)", () => {
  let bot: TestBot;
  let browser: Browser;
  let base = "";
  let manager: { u: ScriptedUser; userId: number };
  let resident: { u: ScriptedUser; userId: number };
  let cp: { id: number; code: string; name: string };

  const initData = (u: ScriptedUser) =>
    signInitData(
      {
        auth_date: String(Math.floor(Date.now() / 1000)),
        user: JSON.stringify({ id: u.id, first_name: "A", language_code: "vi" }),
      },
      bot.fake.token,
    );

  async function scanner(u: ScriptedUser, screen: "scan" | "checkin", codes: string[]): Promise<Page> {
    const page = await phonePage(browser);
    await page.evaluateOnNewDocument(`
      const queue = ${JSON.stringify(codes)};
      window.TelegramWebviewProxy = {
        postEvent(type) {
          if (type !== "web_app_open_scan_qr_popup") return;
          const data = queue.shift();
          setTimeout(() => window.Telegram.WebView.receiveEvent("qr_text_received", { data }), 10);
        },
      };
    `);
    await page.goto(`${base}/app/?screen=${screen}#tgWebAppData=${encodeURIComponent(initData(u))}`, {
      waitUntil: "networkidle0",
    });
    await page.waitForSelector("#scan");
    return page;
  }
  const scanOnce = async (page: Page, n: number) => {
    await page.click("#scan");
    await page.waitForFunction(`document.querySelectorAll("#results .result").length >= ${n}`);
    return page.$eval("#results .result", (e) => ({ text: e.textContent ?? "", cls: e.className }));
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    bot = await startTestBot({ env: { PORT: String(port), WEBAPP_URL: base } });
    browser = await launchChromium();
    manager = await registered(bot, "vi");
    cp = await registerCheckpoint(manager.u, bot, "Chợ Đồng Xuân", manager.userId);
    resident = await registered(bot, "vi");
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it("staff verify personal QR codes one after another: initials, colour, validity; a forged one is refused", async () => {
    const green = await declare(bot, resident.userId, new Date(), { fullName: "Lê Văn Cường" });
    await manager.u.command("scan");
    const button = (
      manager.u.lastReply()!.params.reply_markup as { inline_keyboard: { web_app?: { url: string } }[][] }
    ).inline_keyboard
      .flat()
      .find((b) => b.web_app);
    expect(button?.web_app?.url).toBe(`${base}/app/?screen=scan`);

    const forged = `${green.token.slice(0, -6)}AAAAAA`;
    const page = await scanner(manager.u, "scan", [green.token, forged]);
    const first = await scanOnce(page, 1);
    expect(first.text).toContain("L.V.C.");
    expect(first.text).toContain(t("checkpoint:scan.checkedIn", { who: "L.V.C.", name: "Chợ Đồng Xuân" }));
    expect(first.cls).toContain("green");
    const second = await scanOnce(page, 2);
    expect(second.text).toContain("⛔");
    expect(second.cls).toContain("red");
    await page.screenshot({ path: join(ARTEFACTS, "phone-scan.png") });
    await page.close();
    expect((await visitsOf(bot, resident.userId)).map((v) => v.method)).toEqual(["staff_qr"]);
  }, 60_000);

  it("a visitor scans a poster and is checked in, with the confirmation in the chat too", async () => {
    const visitor = await registered(bot, "vi");
    await declare(bot, visitor.userId, new Date(), { fullName: "Phạm Thị Dung" });
    const page = await scanner(visitor.u, "checkin", [
      "not a poster",
      `https://t.me/testbot?start=cp_${cp.code}`,
    ]);
    expect((await scanOnce(page, 1)).text).toBe(t("webapp:scan.notPoster"));
    const result = await scanOnce(page, 2);
    expect(result.text).toContain("Chợ Đồng Xuân");
    await page.close();
    await until(
      () =>
        bot.fake.calls.some(
          (c) =>
            String(c.params.chat_id) === String(visitor.u.chatId) &&
            String(c.params.text ?? "").includes("Chợ Đồng Xuân"),
        ),
      "the check-in confirmation in the chat",
    );
    const visits = await visitsOf(bot, visitor.userId);
    expect(visits.map((v) => [v.checkpointId, v.checkedInBy])).toEqual([[cp.id, null]]);
  }, 60_000);

  it("the scan endpoints refuse a request without a session", async () => {
    const res = await fetch(`${base}/app/api/scan`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "HD:x" }),
    });
    expect(res.status).toBe(401);
  });
});
