import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayShortCode } from "../../bot/features/checkpoint/checkpoints.js";
import { renderQrPng } from "../../bot/render/qr-image.js";
import { createQrDecoder } from "../../bot/shared/qr/decode.js";
import { TOKEN_PREFIX } from "../../bot/shared/qr/token.js";
import { auditLog, visits } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import {
  declare,
  dependent,
  documentsSince,
  lastPhoto,
  registerCheckpoint,
  registered,
  said,
  visitsOf,
} from "./checkpoints-support.js";

let bot: TestBot;
let now = new Date("2021-08-01T02:00:00Z"); // 09:00 in Hanoi
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

// One manager, their checkpoints and poster, shared by the tests below (each uses its own residents).
let manager: { u: ScriptedUser; userId: number };
let shop: Awaited<ReturnType<typeof registerCheckpoint>>;
let posterPng: Buffer;

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  manager = await registered(bot);
  shop = await registerCheckpoint(manager.u, bot, "Minh Anh grocery", manager.userId);
  posterPng = lastPhoto(manager.u);
});
afterAll(async () => {
  await bot?.stop();
});

async function resident(opts: { fullName?: string; symptoms?: string[] } = {}) {
  const r = await registered(bot);
  const declared = await declare(bot, r.userId, now, opts);
  return { ...r, ...declared };
}

describe("registering a checkpoint", () => {
  it("answers with a poster whose QR is the deep link, a PDF to print and the manager's menu", async () => {
    expect(shop).toMatchObject({ kind: "shop", stayMinutes: 90, provinceCode: "01" });
    expect(shop.address).toContain("1 Tràng Tiền");
    const link = `https://t.me/${bot.fake.botInfo.username}?start=cp_${shop.code}`;
    const decoded = await createQrDecoder().decode(posterPng);
    expect(decoded.texts).toEqual([link]);
    const replies = manager.u.replies();
    const pdf = replies.find((c) => c.method === "sendDocument");
    expect(pdf?.params.document.filename).toMatch(/^poster-.*\.pdf$/);
    expect(
      manager.u
        .keyboard()
        .inline.flat()
        .map((b) => b.data),
    ).toContain(`visitors:staff:${shop.id}`);
  });
});

describe("checking in", () => {
  it("by deep link, without a duplicate on a re-scan, and out by the button", async () => {
    const r = await resident();
    const first = await r.u.command("start", `cp_${shop.code}`);
    expect(said(r.u, first)).toContain("Checked in at “Minh Anh grocery” at 09:00");
    expect(
      r.u
        .keyboard()
        .inline.flat()
        .map((b) => b.text),
    ).toEqual(["🚪 Check out"]);

    later(5);
    const again = await r.u.command("start", `cp_${shop.code}`);
    expect(said(r.u, again)).toContain("already checked in at “Minh Anh grocery” since 09:00");
    expect(await visitsOf(bot, r.userId)).toHaveLength(1);

    later(10);
    const out = await r.u.press("🚪 Check out");
    expect(said(r.u, out)).toContain("Checked out of “Minh Anh grocery” at 09:15");
    expect(await visitsOf(bot, r.userId)).toMatchObject([{ method: "link", endedHow: "manual" }]);
  });

  it("by a photo of the poster, and by the typed short code, which closes the previous visit", async () => {
    const other = await registerCheckpoint(manager.u, bot, "Pharmacy Hồng Phúc", manager.userId);
    const r = await resident();
    const photo = await r.u.photo(posterPng);
    expect(said(r.u, photo)).toContain("Checked in at “Minh Anh grocery”");
    later(1);
    const typed = await r.u.text(displayShortCode(other.shortCode).toLowerCase());
    expect(said(r.u, typed)).toContain("You were checked out of “Minh Anh grocery”");
    expect(said(r.u, typed)).toContain("Checked in at “Pharmacy Hồng Phúc”");
    const rows = await visitsOf(bot, r.userId);
    expect(rows.map((v) => [v.method, v.endedHow])).toEqual([
      ["photo", "superseded"],
      ["code", null],
    ]);
    const wrong = await r.u.text("ZZZZ-9999");
    expect(said(r.u, wrong)).toContain("No code ZZZZ-9999 was found");
    const out = await r.u.command("checkout");
    expect(said(r.u, out)).toContain("Checked out of “Pharmacy Hồng Phúc”");
    expect(said(r.u, await r.u.command("checkout"))).toContain("You are not checked in anywhere");
  });

  it("ends a visit automatically once the stay is over (clock moved, job run)", async () => {
    const r = await resident();
    await r.u.command("start", `cp_${shop.code}`);
    later(91);
    expect(await bot.app.background?.scheduler.runNow("auto-checkout", now)).toBe(true);
    const [visit] = await visitsOf(bot, r.userId);
    expect(visit?.endedHow).toBe("automatic");
    expect(visit?.checkedOutAt?.getTime()).toBe(visit!.checkedInAt.getTime() + 90 * 60_000);
    const press = await r.u.press("🚪 Check out");
    expect(said(r.u, press)).toContain("has already ended");
  });

  it("explains a photo with no QR, a PDF and an oversized picture", async () => {
    const r = await resident();
    const blank = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#8899aa" } })
      .jpeg()
      .toBuffer();
    expect(said(r.u, await r.u.photo(blank))).toContain("could not find a QR code");
    const pdf = await r.u.document(Buffer.from("%PDF-1.7\n%fake\n"), {
      fileName: "poster.pdf",
      mimeType: "application/pdf",
    });
    expect(said(r.u, pdf)).toContain("This is a PDF file");
    const big = await r.u.photo(blank, { fileSize: 11 * 1024 * 1024 });
    expect(said(r.u, big)).toContain("too large");
    const other = await r.u.photo(await renderQrPng("https://example.org/menu"));
    expect(said(r.u, other)).toContain("not a checkpoint poster");
    expect(await visitsOf(bot, r.userId)).toHaveLength(0);
  });
});

describe("staff", () => {
  let staff: ScriptedUser;
  let staffId: number;

  it("join by the manager's invitation and scan residents' personal QR codes", async () => {
    const invite = await manager.u.press(`visitors:staff:${shop.id}`);
    const link = /start=(inv_[A-Za-z0-9_-]+)/.exec(said(manager.u, invite))?.[1];
    expect(link).toBeDefined();
    const s = await registered(bot);
    staff = s.u;
    staffId = s.userId;
    await staff.command("start", link);
    await staff.press("invitation:accept");

    const start = await staff.command("scan");
    expect(said(staff, start)).toContain("Scanning at “Minh Anh grocery”");

    const r = await resident({ fullName: "Lê Thị Hoa", symptoms: ["fever"] });
    const scan = await staff.photo(await renderQrPng(r.token));
    const answer = said(staff, scan);
    expect(answer).toContain("L.T.H. checked in at “Minh Anh grocery”");
    expect(answer).toContain("🔴 red");
    expect(answer).toContain("RED: this person declared symptoms");
    expect(await visitsOf(bot, r.userId)).toMatchObject([{ method: "staff_qr", checkedInBy: staffId }]);
    const audits = await bot.app.database.db.select().from(auditLog).where(eq(auditLog.actorUserId, staffId));
    expect(audits.map((a) => [a.action, a.subjectUserIds])).toEqual([["checkpoint.staffScan", [r.userId]]]);
  });

  it("check in a dependent from the printed card, as the dependent, not the guardian", async () => {
    const guardian = await resident();
    const grandma = await dependent(bot, guardian.userId, "Hoàng Thị Mai", now);
    const card = await declare(bot, guardian.userId, now, {
      fullName: "Hoàng Thị Mai",
      personId: grandma.id,
    });
    const scan = await staff.photo(await renderQrPng(card.token));
    expect(said(staff, scan)).toContain("H.T.M. checked in at “Minh Anh grocery”");
    expect(said(staff, scan)).toContain("Born in 1990");
    const rows = await bot.app.database.db.select().from(visits).where(eq(visits.personId, grandma.id));
    expect(rows).toMatchObject([{ userId: null, visitorKey: `p:${grandma.id}`, method: "staff_qr" }]);
    expect(await visitsOf(bot, guardian.userId)).toHaveLength(0);
  });

  it("refuse a tampered or an expired personal QR", async () => {
    const r = await resident();
    // Change one character of the signed body: still Base45, but the signature no longer matches.
    const body = r.token.slice(TOKEN_PREFIX.length);
    const i = 20;
    const tampered = `${TOKEN_PREFIX}${body.slice(0, i)}${body[i] === "A" ? "B" : "A"}${body.slice(i + 1)}`;
    const forged = await staff.photo(await renderQrPng(tampered));
    expect(said(staff, forged)).toMatch(/NOT genuine|not a personal QR code/);

    const old = await registered(bot);
    const expired = await declare(bot, old.userId, new Date(now.getTime() - 10 * 86_400_000));
    const late = await staff.photo(await renderQrPng(expired.token));
    expect(said(staff, late)).toContain("EXPIRED");
    expect(await visitsOf(bot, r.userId)).toHaveLength(0);
    expect(await visitsOf(bot, old.userId)).toHaveLength(0);
  });

  it("check in someone without a smartphone by name and phone", async () => {
    await staff.press("scan:manual");
    await staff.text("Phạm Văn Bình");
    const done = await staff.text("0987 000 333");
    expect(said(staff, done)).toContain("P.V.B. checked in at “Minh Anh grocery”");
    const [row] = await bot.app.database.db
      .select()
      .from(visits)
      .where(eq(visits.visitorPhone, "+84987000333"));
    expect(row).toMatchObject({ method: "staff_manual", visitorName: "Phạm Văn Bình", userId: null });
    await staff.press("scan:done");
  });

  it("cannot see visitors or export them; the manager can", async () => {
    const view = await staff.command("visitors");
    expect(said(staff, view)).toContain("You do not manage any checkpoint");
    const crafted = await staff.pressData(`visitors:x:${shop.id}:7`);
    expect(said(staff, crafted)).toContain("You are not allowed");
    expect(documentsSince(staff, crafted)).toEqual([]);
    const peek = await staff.pressData(`visitors:view:${shop.id}`);
    expect(said(staff, peek)).toContain("You are not allowed");

    const mine = await manager.u.command("visitors");
    const summary = said(manager.u, mine);
    expect(summary).toContain("Which checkpoint?");
    const shown = await manager.u.press(`visitors:view:${shop.id}`);
    expect(said(manager.u, shown)).toMatch(/Inside now: \d+/);
    await manager.u.press(`visitors:export:${shop.id}`);
    const exported = await manager.u.press(`visitors:x:${shop.id}:1`);
    const files = documentsSince(manager.u, exported);
    expect(files.map((f) => f.name.split(".").pop())).toEqual(["csv", "xlsx"]);
    expect(files[1]!.bytes.subarray(0, 2).toString()).toBe("PK");
    const csv = files[0]!.bytes.toString("utf8");
    expect(csv).toContain("Phạm Văn Bình");
    expect(csv).toContain("Lê Thị Hoa");
  });
});

describe("a first-time visitor", () => {
  it("scans a poster, registers, declares and ends checked in", async () => {
    const u = bot.user({ languageCode: "en" });
    await u.command("start", `cp_${shop.code}`);
    await u.press("English");
    await u.press("consent:agree");
    const shared = await u.contact("84913999001");
    expect(said(u, shared)).toContain("please first fill in your health declaration");
    await u.text("Trần Văn Cường");
    await u.text("1985");
    await u.press("declaration:a:gender:male");
    await u.press("declaration:a:nationality:VN");
    await u.text("001085012345");
    await u.press("declaration:skip");
    await u.text("Hà Nội");
    const communeButton = u
      .keyboard()
      .inline.flat()
      .find((b) => b.data?.startsWith("declaration:a:commune:"));
    if (communeButton?.data) await u.press(communeButton.data);
    else await u.text("Phường Ba Đình");
    await u.text("12 Phố Huế");
    for (let i = 0; i < 4; i++) await u.press("declaration:none");
    await u.press("declaration:a:vaccineDoses:2");
    const sent = await u.press("declaration:confirm");
    expect(said(u, sent)).toContain("Checked in at “Minh Anh grocery”");
  });
});
