import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPersonalQr } from "../../bot/features/declaration/index.js";
import { signInitData } from "../../bot/features/webapp/init-data.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { addDependent } from "../../bot/shared/people.js";
import { loadSigningKeys } from "../../bot/shared/qr/signing-keys.js";
import { identities } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { freePort, startTestBot, type TestBot } from "../support/bot-harness.js";
import { ARTEFACTS, launchChromium, phonePage } from "../support/browser.js";
import { i18n } from "../support/context.js";
import { until } from "../support/until.js";
import { decodeQrPng } from "../unit/render/support.js";

const t = i18n.t("vi");

let launches = 0;

/** Init data as a Telegram client puts it in a Mini App's address. */
function initData(bot: TestBot, u: ScriptedUser, authDate = Math.floor(Date.now() / 1000), token?: string) {
  return signInitData(
    {
      auth_date: String(authDate),
      // A new query id each time, as Telegram gives each launch: two launches in one second differ.
      query_id: `AAH${u.id}${authDate}${++launches}`,
      user: JSON.stringify({ id: u.id, first_name: "An", language_code: "vi" }),
    },
    token ?? bot.fake.token,
  );
}

interface Opened {
  page: Page;
  /** Bytes on the wire for everything the page loaded (headers and bodies, compressed as sent). */
  bytes: () => number;
  /** Taps and typed fields made on the page. */
  inputs: number;
}

describe("the declaration page in headless Chromium", () => {
  let bot: TestBot;
  let browser: Browser;
  let base = "";
  let u: ScriptedUser;
  const photosTo = (chatId: number) =>
    bot.fake.callsOf("sendPhoto").filter((c) => String(c.params.chat_id) === String(chatId));

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    bot = await startTestBot({ env: { PORT: String(port), WEBAPP_URL: base } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  async function open(hash: string): Promise<Opened> {
    const page = await phonePage(browser);
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    let bytes = 0;
    cdp.on("Network.loadingFinished", (e) => {
      bytes += e.encodedDataLength;
    });
    await page.goto(`${base}/app/#${hash}`, { waitUntil: "networkidle0" });
    return { page, bytes: () => bytes, inputs: 0 };
  }
  const type = async (o: Opened, id: string, value: string) => {
    await o.page.type(`#q-${id}`, value);
    o.inputs++;
  };
  const tap = async (o: Opened, selector: string) => {
    await o.page.click(selector);
    o.inputs++;
  };
  const choose = async (o: Opened, id: string, value: string) => {
    await o.page.select(`#q-${id}`, value);
    o.inputs++;
  };
  const send = (o: Opened) => tap(o, "#send");
  const okText = (o: Opened) =>
    o.page.waitForSelector(".ok", { timeout: 10_000 }).then((h) => h?.evaluate((e) => e.textContent));

  it("offers the Mini App beside the chat wizard in /declare", async () => {
    u = bot.user({ languageCode: "vi" });
    await u.command("declare");
    await u.press("language:vi");
    await u.press("consent:agree");
    await u.contact(`8491${String(u.id).slice(-7)}`);
    const offer = u
      .replies()
      .map(
        (c) => c.params.reply_markup as { inline_keyboard?: { web_app?: { url: string } }[][] } | undefined,
      )
      .flatMap((m) => m?.inline_keyboard?.flat() ?? [])
      .find((b) => b.web_app);
    expect(offer?.web_app?.url).toBe(`${base}/app/`);
    // The chat wizard is still there: its first question is the last message.
    expect(u.lastText()).toContain(t("declaration:q.fullName.ask"));
    await u.command("cancel");
  });

  it("a first declaration: fill the page, send, and the personal QR arrives in the chat", async () => {
    const o = await open(`tgWebAppData=${encodeURIComponent(initData(bot, u))}&tgWebAppVersion=7.10`);
    const { page } = o;
    await page.waitForSelector("#q-fullName");
    const transfer = o.bytes();
    const paint = await page.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
    );
    const ready = await page.evaluate(() => performance.getEntriesByName("webapp:form")[0]?.startTime ?? -1);
    console.log(
      `webapp: first load ${transfer} bytes, first paint ${paint.toFixed(0)} ms, form ${ready.toFixed(0)} ms`,
    );
    expect(transfer).toBeLessThan(100 * 1024);
    // Nothing of the init data stays in the address bar.
    expect(page.url()).toBe(`${base}/app/`);

    // An error is shown in the page's language, next to its field, from the chat's own validator.
    await type(o, "idNumber", "00120301234");
    await type(o, "fullName", "Nguyễn Văn An");
    await page.waitForFunction('!document.querySelector("#e-idNumber").hidden');
    expect(await page.$eval("#e-idNumber", (e) => e.textContent)).toBe(
      t("declaration:errors.idDigits", { count: 11 }),
    );
    await page.$eval("#q-idNumber", (e) => {
      (e as unknown as { value: string }).value = "";
    });
    o.inputs = 1;
    await type(o, "idNumber", "001203012345");
    await type(o, "birthYear", "1985");
    await tap(o, "#f-gender input[value=male]");
    expect(await page.$eval("#q-nationality", (e) => (e as unknown as { value: string }).value)).toBe("VN");
    await choose(o, "province", "01");
    await type(o, "commune", "Ba Đình");
    await type(o, "street", "Số 12 ngõ 34 phố Đội Cấn");
    await tap(o, "#f-symptoms input[value=none]");
    await tap(o, "#f-exposures input[value=none]");
    await tap(o, "#f-chronic input[value=none]");
    // Insurance and vaccine doses are optional, places empty means nowhere.
    expect(await page.$eval("#f-insuranceNo .opt", (e) => (e as unknown as { hidden: boolean }).hidden)).toBe(
      false,
    );
    await page.screenshot({ path: join(ARTEFACTS, "phone-form.png"), fullPage: true });
    const before = photosTo(u.chatId).length;
    await send(o);
    expect(await okText(o)).toContain(t("webapp:sent"));
    console.log(`webapp: first declaration took ${o.inputs} inputs`);
    expect(o.inputs).toBeLessThanOrEqual(12);
    await page.screenshot({ path: join(ARTEFACTS, "phone-sent.png") });

    const photo = await until(() => photosTo(u.chatId)[before], "the QR photo in the chat");
    expect(String(photo.params.caption)).toContain("N.V.A.");
    const file = photo.params.photo as { bytes: Buffer };
    const decoded = await decodeQrPng(file.bytes);
    const { keyring } = await loadSigningKeys(bot.app.database.db, { now: new Date() });
    const checked = await verifyPersonalQr(bot.app.database.db, keyring, decoded?.text ?? "", new Date());
    expect(checked).toMatchObject({ ok: true });
    await page.close();
  }, 60_000);

  it("a re-declaration is prefilled: three inputs", async () => {
    const o = await open(`tgWebAppData=${encodeURIComponent(initData(bot, u))}`);
    const { page } = o;
    await page.waitForSelector("#q-fullName");
    // A reload goes on with the session it had (the init data itself works once).
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector("#q-fullName");
    expect(await page.$eval("#q-fullName", (e) => (e as unknown as { value: string }).value)).toBe(
      "Nguyễn Văn An",
    );
    expect(await page.$eval("#q-idNumber", (e) => (e as unknown as { value: string }).value)).toMatch(
      /^•+345$/,
    );
    const before = photosTo(u.chatId).length;
    await tap(o, "#f-symptoms input[value=fever]");
    await tap(o, "#f-exposures input[value=none]");
    await send(o);
    expect(await okText(o)).toContain(t("webapp:sent"));
    console.log(`webapp: re-declaration took ${o.inputs} inputs`);
    expect(o.inputs).toBeLessThanOrEqual(3);
    const photo = await until(() => photosTo(u.chatId)[before], "the second QR photo");
    expect(String(photo.params.caption)).toContain("🔴");
    await page.close();
  }, 60_000);

  it("a dependent's declaration is reachable from the page, and their QR arrives in the account's chat", async () => {
    const db = bot.app.database.db;
    const [row] = await db
      .select({ userId: identities.userId })
      .from(identities)
      .where(eq(identities.externalId, String(u.id)));
    const now = new Date();
    const child = await addDependent(
      db,
      row!.userId,
      await loadIdHashKey(db, now),
      { fullName: "Nguyễn Minh Khang", birthYear: 2018, relation: "child", idNumber: null },
      now,
    );
    const o = await open(`tgWebAppData=${encodeURIComponent(initData(bot, u))}`);
    const { page } = o;
    await page.waitForSelector("#who");
    await page.select("#who", String(child.id));
    await page.waitForFunction(`document.querySelector("#q-fullName").value === "Nguyễn Minh Khang"`);
    // Under 14: the ID number may be left empty, as in the chat.
    await page.waitForFunction('!document.querySelector("#f-idNumber .opt").hidden');
    await tap(o, "#f-gender input[value=male]");
    await choose(o, "province", "01");
    await type(o, "commune", "Ba Đình");
    await type(o, "street", "Số 12 ngõ 34 phố Đội Cấn");
    await tap(o, "#f-symptoms input[value=none]");
    await tap(o, "#f-exposures input[value=none]");
    await tap(o, "#f-chronic input[value=none]");
    const before = photosTo(u.chatId).length;
    await send(o);
    expect(await okText(o)).toContain(t("webapp:sent"));
    const photo = await until(() => photosTo(u.chatId)[before], "the dependent's QR");
    expect(String(photo.params.caption)).toContain("N.M.K.");
    await page.close();
  }, 60_000);

  it("refuses forged, expired and replayed init data with 401, on the page and at the API", async () => {
    const post = (body: unknown) =>
      fetch(`${base}/app/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const forged = initData(bot, u, undefined, "123456:forged-token");
    expect((await post({ initData: forged })).status).toBe(401);
    const expired = initData(bot, u, Math.floor(Date.now() / 1000) - 3600);
    const res = await post({ initData: expired });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBeTruthy();
    // Its own query id: an init data another test opened in the same second would be spent already.
    const once = signInitData(
      {
        auth_date: String(Math.floor(Date.now() / 1000) - 5),
        query_id: "AAHonce",
        user: JSON.stringify({ id: u.id, first_name: "An", language_code: "vi" }),
      },
      bot.fake.token,
    );
    expect((await post({ initData: once })).status).toBe(200);
    expect((await post({ initData: once })).status).toBe(401);
    expect((await post({})).status).toBe(401);

    const o = await open(`tgWebAppData=${encodeURIComponent(forged)}`);
    const alert = await o.page.waitForSelector(".alert[role=alert]");
    expect(await alert?.evaluate((e) => e.textContent)).toBe(t("webapp:errors.unauthorized"));
    await o.page.close();
  }, 60_000);
});
