import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPersonalQr } from "../../bot/features/declaration/personal-qr.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { findPeopleByIdNumber } from "../../bot/shared/people.js";
import { generateSeed, type Keyring, loadSigningKeys } from "../../bot/shared/qr/signing-keys.js";
import { verifyQrToken } from "../../bot/shared/qr/token.js";
import { declarationDrafts, sessions } from "../../db/schema/index.js";
import type { ScriptedUser, UploadedFile } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { i18n } from "../support/context.js";
import { answerRest } from "../support/declaration.js";
import { decodeQrPng, embeddedFontNames, pdfPageTexts, squash } from "../unit/render/support.js";

const START = new Date("2026-11-26T03:00:00Z");
let now = START;

const sinceTexts = (u: ScriptedUser, since: number) =>
  u
    .repliesSince(since)
    .map((c) => String(c.params.text ?? c.params.caption ?? ""))
    .join("\n");
function lastUpload(
  bot: TestBot,
  method: "sendPhoto" | "sendDocument",
  field: "photo" | "document",
): UploadedFile {
  const call = bot.fake.callsOf(method).at(-1);
  if (!call) throw new Error(`no ${method}`);
  return call.params[field] as UploadedFile;
}

describe.each([
  { lang: "vi" as const, configuredKey: false },
  { lang: "en" as const, configuredKey: true },
])("declaration over the fake Bot API ($lang)", ({ lang, configuredKey }) => {
  let bot: TestBot;
  let keyring: Keyring;
  const t = i18n.t(lang);
  const seed = generateSeed();

  beforeAll(async () => {
    now = START;
    bot = await startTestBot({ clock: () => now, env: configuredKey ? { QR_SIGNING_KEY: seed } : {} });
    keyring = (
      await loadSigningKeys(bot.app.database.db, { configured: configuredKey ? seed : undefined, now })
    ).keyring;
  });
  afterAll(async () => {
    await bot?.stop();
  });

  let u: ScriptedUser;
  let firstToken = "";

  it("registers a new resident, declares (back, a sticker, a bad CCCD, cancel, resume, summary edit) and sends a QR photo that decodes and verifies", async () => {
    u = bot.user({ languageCode: lang });
    await u.command("declare");
    await u.press(`language:${lang}`);
    await u.press("consent:agree");
    await u.contact(`8491${String(u.id).slice(-7)}`);
    expect(u.lastText()).toContain(t("declaration:q.fullName.ask"));

    await u.text("Nguyễn Văn An");
    await u.text("1985");
    const back = await u.press("declaration:back");
    expect(sinceTexts(u, back)).toContain(t("declaration:current", { value: "1985" }));
    await u.press("declaration:keep");
    const sticker = await u.sticker();
    expect(sinceTexts(u, sticker)).toContain(t("common:unsupported"));
    expect(u.lastText()).toContain(t("declaration:q.gender.ask"));
    await u.press(t("declaration:q.gender.opt.male"));
    await u.press(t("declaration:q.nationality.opt.VN"));
    const bad = await u.text("00120301234");
    expect(sinceTexts(u, bad)).toContain(t("declaration:errors.idDigits", { count: 11 }));
    await u.text("001203012345");
    // Mid-declaration, the conversation state holds the ID number only as its mask and sealed.
    const held = await bot.app.database.db.select().from(sessions);
    expect(held.some((r) => JSON.stringify(r.state).includes("•••••••••345"))).toBe(true);
    for (const r of held) expect(JSON.stringify(r.state)).not.toContain("001203012345");
    await u.press("declaration:skip");

    const cancel = await u.command("cancel");
    expect(sinceTexts(u, cancel)).toContain(t("common:cancelled"));
    // The abandoned draft is kept sealed: no ID number (nor any other answer) in clear.
    const drafts = await bot.app.database.db.select().from(declarationDrafts);
    expect(drafts.length).toBeGreaterThan(0);
    for (const d of drafts) {
      expect(JSON.stringify(d.state)).not.toContain("001203012345");
      expect(JSON.stringify(d.state)).not.toContain("Nguyễn");
    }
    const resume = await u.command("declare");
    expect(sinceTexts(u, resume)).toContain(t("declaration:resume.ask"));
    await u.press("declaration:resume:go");
    expect(u.lastText()).toContain(t("declaration:q.province.ask"));

    await u.text("ha noi");
    const commune = await u.text("ba dinh");
    // The shipped unit list is loaded: the typed name is matched to its official code.
    expect(sinceTexts(u, commune)).toContain("Phường Ba Đình");
    await answerRest(u, lang);
    const summary = u.lastText() ?? "";
    expect(summary).toContain("Nguyễn Văn An");
    expect(summary).toContain(t("declaration:pledge"));

    await u.press("declaration:change");
    await u.press("declaration:edit:street");
    const edited = await u.text("Số 5 phố Huế");
    expect(sinceTexts(u, edited)).toContain(`${t("declaration:q.street.label")}: Số 5 phố Huế`);

    const sent = await u.press("declaration:confirm");
    const photo = u.repliesSince(sent).find((c) => c.method === "sendPhoto");
    expect(photo?.params.caption).toContain("N.V.A.");
    expect(photo?.params.caption).toContain(`🟢 ${t("declaration:status.green")}`);
    expect(photo?.params.caption).toContain("10:00 26/11/2026");
    expect(photo?.params.caption).toContain("10:00 03/12/2026");

    const decoded = await decodeQrPng(lastUpload(bot, "sendPhoto", "photo").bytes);
    expect(decoded?.text).toMatch(/^HD:/);
    expect(decoded?.modulePx).toBeGreaterThanOrEqual(4);
    firstToken = decoded?.text ?? "";
    expect(verifyQrToken(firstToken, { keys: keyring, now })).toMatchObject({ ok: true });
    const checked = await verifyPersonalQr(bot.app.database.db, keyring, firstToken, now);
    expect(checked).toMatchObject({ ok: true, status: "green", person: { fullName: "Nguyễn Văn An" } });
    if (checked.ok) expect(checked.declaration.communeCode).toBe("00004");
    // Through the session, the draft and its resumption, the number typed is the one hashed on the person.
    const db = bot.app.database.db;
    const found = await findPeopleByIdNumber(db, await loadIdHashKey(db, now), "001203012345");
    expect(found.map((p) => [p.fullName, p.idNumberMasked])).toEqual([["Nguyễn Văn An", "•••••••••345"]]);
  });

  it("repeats the declaration with unchanged details in at most 6 messages, superseding the old QR", async () => {
    now = new Date(now.getTime() + 3 * 86_400_000);
    let messages = 0;
    const send = async <T>(p: Promise<T>) => {
      messages += 1;
      return p;
    };
    const first = await send(u.command("declare"));
    expect(sinceTexts(u, first)).toContain(t("declaration:same.ask"));
    await send(u.press(t("declaration:buttons.sameYes")));
    await send(u.press(t("declaration:q.places.none")));
    await send(u.press(t("declaration:q.symptoms.none")));
    await send(u.press(t("declaration:q.exposures.none")));
    const sent = await send(u.press(t("declaration:buttons.confirm")));
    expect(u.repliesSince(sent).some((c) => c.method === "sendPhoto")).toBe(true);
    expect(messages).toBeLessThanOrEqual(6);
    const token = (await decodeQrPng(lastUpload(bot, "sendPhoto", "photo").bytes))?.text ?? "";
    expect(token).not.toBe(firstToken);
    expect(await verifyPersonalQr(bot.app.database.db, keyring, firstToken, now)).toEqual({
      ok: false,
      reason: "superseded",
    });
    const qr = await u.command("qr");
    expect(u.repliesSince(qr)[0]?.method).toBe("sendPhoto");
  });

  it("adds a dependent, declares for them, and sends printable QR cards with the names' diacritics", async () => {
    await u.command("family");
    await u.press("family:add");
    await u.text("Nguyễn Thị Cúc");
    await u.text("1950");
    await u.press("family:rel:grandparent");
    const added = await u.press("family:skip");
    expect(sinceTexts(u, added)).toContain(t("declaration:family.added", { name: "Nguyễn Thị Cúc" }));
    const declaring = await u.press("📝 Nguyễn Thị Cúc");
    expect(sinceTexts(u, declaring)).toContain(t("declaration:for", { name: "Nguyễn Thị Cúc" }));
    await answerRest(u, lang);
    const sent = await u.press("declaration:confirm");
    expect(u.repliesSince(sent).find((c) => c.method === "sendPhoto")?.params.caption).toContain("N.T.C.");

    await u.command("family");
    const cards = await u.press("family:cards");
    expect(u.repliesSince(cards).some((c) => c.method === "sendDocument")).toBe(true);
    const pdf = lastUpload(bot, "sendDocument", "document");
    expect(pdf.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = (await pdfPageTexts(pdf.bytes)).map(squash).join(" ");
    expect(pages).toContain("Nguyễn Văn An");
    expect(pages).toContain("Nguyễn Thị Cúc");
    expect(embeddedFontNames(pdf.bytes).length).toBeGreaterThan(0);
  });
});
