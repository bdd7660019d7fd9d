import { PassThrough, Writable } from "node:stream";
import { count } from "drizzle-orm";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../bot/app.js";
import { CSP } from "../../bot/features/webapp/http-io.js";
import { main } from "../../bot/main.js";
import { declarations } from "../../db/schema/index.js";
import { freePort } from "../support/bot-harness.js";
import { launchChromium, phonePage } from "../support/browser.js";
import { i18n } from "../support/context.js";
import { type FreshDatabase, freshDatabase } from "../support/db.js";
import { until } from "../support/until.js";

const t = i18n.t("vi");
const MIN = 60_000;

/**
 * The terminal chat, in process, with the page on PORT: /declare sends a one-time link (as it does on Zalo),
 * the page is filled in Chromium and the QR comes back into the chat through the outbox.
 */
describe("the declaration page from a one-time link (terminal chat)", () => {
  let db: FreshDatabase;
  let app: App;
  let browser: Browser;
  let base = "";
  let out = "";
  let now = new Date();
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const say = async (line: string, expectText: string) => {
    const from = out.length;
    stdin.write(`${line}\n`);
    await until(() => out.slice(from).includes(expectText), `"${expectText}" after "${line}"`);
    return out.slice(from);
  };
  const linkIn = (s: string) => /(http:\/\/127\.0\.0\.1:\d+\/app\/#t=[\w.-]+)/.exec(s)?.[1] ?? "";
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/app/api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await freshDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await main(
      { ...db.env, TERMINAL_CHAT: "on", PORT: String(port), WEBAPP_URL: base, LOG_LEVEL: "info" },
      { stdin, stdout, clock: () => now, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) },
    );
    browser = await launchChromium();
    await until(() => out.includes("1) Tiếng Việt"), "the language question");
    await say("1", "");
    await say("1", ""); // the privacy notice: agree
    await say("0912 345 678", "0912 345 678");
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await db?.drop();
  });

  it("/declare sends a link; the page opens it once, stores the declaration and the QR arrives in the chat", async () => {
    const shown = await say("/declare", "/app/#t=");
    expect(shown).toContain(t("declaration:web.offerLink"));
    const link = linkIn(shown);
    const page = await phonePage(browser);
    const res = await page.goto(link, { waitUntil: "networkidle0" });
    expect(res?.headers()["content-security-policy"]).toBe(CSP);
    expect(page.url()).toBe(`${base}/app/`);
    await page.type("#q-fullName", "Trần Thị Bình");
    await page.type("#q-birthYear", "1950");
    await page.click("#f-gender input[value=female]");
    await page.type("#q-idNumber", "001150012345");
    await page.select("#q-province", "79");
    await page.type("#q-commune", "Bến Thành");
    await page.type("#q-street", "12 Lê Lợi");
    await page.click("#f-symptoms input[value=none]");
    await page.click("#f-exposures input[value=none]");
    // Pregnancy is offered to a woman, as in the chat (once the server has checked the answers).
    await page.waitForFunction('!document.querySelector("#f-chronic [data-value=pregnancy]").hidden');
    await page.click("#f-chronic input[value=hypertension]");
    const from = out.length;
    await page.click("#send");
    await page.waitForSelector(".ok");
    await until(() => out.slice(from).includes("T.T.B."), "the QR caption in the terminal");
    await page.close();

    // The link was spent by the first opening.
    const again = await post("session", { link: link.split("#t=")[1] });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: string }).error).toBe("replayed");
  }, 60_000);

  it("an expired link, a forged session, a replayed submission, a foreign origin and an oversized body are refused and change nothing", async () => {
    const old = linkIn(await say("/declare", "/app/#t="));
    await say("/cancel", t("common:cancelled"));
    now = new Date(now.getTime() + 16 * MIN);
    const expired = await post("session", { link: old.split("#t=")[1] });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { message: string }).message).toBe(t("webapp:errors.linkExpired"));

    const fresh = linkIn(await say("/declare", "/app/#t="));
    await say("/cancel", t("common:cancelled"));
    const opened = await post("session", { link: fresh.split("#t=")[1] });
    expect(opened.status).toBe(200);
    const s = (await opened.json()) as {
      session: string;
      form: { submit: string; answers: Record<string, unknown> };
    };
    const bearer = { authorization: `Bearer ${s.session}` };
    expect(s.form.answers.fullName).toBe("Trần Thị Bình");

    const forged = `${s.session.slice(0, -4)}AAAA`;
    expect(
      (await post("check", { personId: null, answers: {} }, { authorization: `Bearer ${forged}` })).status,
    ).toBe(401);
    expect((await post("check", { personId: null, answers: {} })).status).toBe(401);

    const body = {
      personId: null,
      answers: { ...s.form.answers, symptoms: ["none"], exposures: ["none"] },
      submit: s.form.submit,
    };
    const total = async () => (await app.database.db.select({ n: count() }).from(declarations))[0]?.n ?? 0;
    const before = await total();
    expect((await post("submit", body, bearer)).status).toBe(200);
    expect((await post("submit", body, bearer)).status).toBe(401);
    expect(await total()).toBe(before + 1);

    const foreign = await post(
      "check",
      { personId: null, answers: {} },
      { ...bearer, origin: "https://evil.example" },
    );
    expect(foreign.status).toBe(403);
    const big = await post(
      "check",
      JSON.stringify({ personId: null, answers: { street: "x".repeat(20_000) } }),
      bearer,
    );
    expect(big.status).toBe(413);
    const notJson = await fetch(`${base}/app/api/check`, { method: "POST", headers: bearer, body: "a=1" });
    expect(notJson.status).toBe(415);
    // A dependent id that is not on this account.
    expect((await post("form", { personId: 999_999 }, bearer)).status).toBe(403);
    expect(await total()).toBe(before + 1);
  }, 60_000);
});
