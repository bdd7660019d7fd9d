import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { saveDeclaration } from "../../bot/features/declaration/declarations.js";
import { FORM_VERSION } from "../../bot/features/declaration/form.js";
import { importAdminUnits } from "../../bot/shared/admin-units.js";
import { loadIdHashKey } from "../../bot/shared/id-hash.js";
import { grantRole } from "../../bot/shared/roles.js";
import { auditLog, communeFigures, communeLevels, traces } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { documentsSince, registered, said } from "./checkpoints-support.js";
import { received, sentContaining } from "./monitoring-support.js";

let bot: TestBot;
const now = new Date("2021-08-01T02:00:00Z"); // 09:00 in Hanoi

// A few units of the official list, enough for scopes and names (the whole list ships with issue 11).
const UNITS = {
  provinces: [
    {
      code: "01",
      name: "Hà Nội",
      fullName: "Thành phố Hà Nội",
      wards: [
        { code: "00004", name: "Ba Đình", fullName: "Phường Ba Đình" },
        { code: "00070", name: "Hoàn Kiếm", fullName: "Phường Hoàn Kiếm" },
      ],
    },
    {
      code: "04",
      name: "Cao Bằng",
      fullName: "Tỉnh Cao Bằng",
      wards: [{ code: "01273", name: "Thục Phán", fullName: "Phường Thục Phán" }],
    },
  ],
};

type Person = { u: ScriptedUser; userId: number };
let officer: Person;
let outsider: Person;
const residents: Record<"an" | "binh" | "chi", Person> = {} as never;

async function declareIn(userId: number, commune: { code: string; name: string }) {
  const db = bot.app.database.db;
  return saveDeclaration(db, {
    userId,
    personId: null,
    formVersion: FORM_VERSION,
    answers: {
      fullName: "Nguyễn Văn An",
      birthYear: 1990,
      gender: "male",
      nationality: "VN",
      idNumber: "001090012345",
      province: "01",
      commune,
      street: "12 Phố Huế",
      places: [],
      symptoms: [],
      exposures: { covidCase: false, outbreakArea: false, symptomaticPerson: false },
      chronic: [],
      vaccineDoses: "2",
    },
    now,
    validDays: 7,
    hashKey: await loadIdHashKey(db, now),
  });
}

const BA_DINH = { code: "00004", name: "Phường Ba Đình" };
const NOTICE = "Your commune Phường Ba Đình is at 🟠 level 3 — high (orange) from 01/08/2021";

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  const db = bot.app.database.db;
  await importAdminUnits(db, UNITS, now);
  officer = await registered(bot);
  await grantRole(db, {
    userId: officer.userId,
    role: "district_officer",
    scope: { type: "province", id: "01" },
  });
  outsider = await registered(bot);
  await grantRole(db, {
    userId: outsider.userId,
    role: "commune_officer",
    scope: { type: "commune", id: "01273" },
  });
  for (const name of ["an", "binh", "chi"] as const) residents[name] = await registered(bot);
  const an = await declareIn(residents.an.userId, BA_DINH);
  await declareIn(residents.binh.userId, BA_DINH);
  await declareIn(residents.chi.userId, { code: "00070", name: "Phường Hoàn Kiếm" });
  // An was confirmed a case three days ago: one F0 in Ba Đình this week.
  await db.insert(traces).values({
    officerUserId: officer.userId,
    casePersonId: an!.person.id,
    caseKeys: ["x"],
    caseName: "Nguyễn Văn An",
    scopeType: "province",
    scopeId: "01",
    periodFrom: new Date("2021-07-20T00:00:00Z"),
    periodTo: now,
    bufferMinutes: 15,
    createdAt: new Date("2021-07-29T02:00:00Z"),
    confirmedAt: new Date("2021-07-29T03:00:00Z"),
  });
});
afterAll(async () => {
  await bot?.stop();
});

describe("area risk levels", () => {
  it("an officer finds a commune of their scope, enters its figures and sees the suggestion follow", async () => {
    const u = officer.u;
    await u.command("area");
    await u.text("ba dinh");
    const view = await u.press("Phường Ba Đình");
    expect(said(u, view)).toContain("No level set yet.");
    expect(said(u, view)).toContain("No suggestion: enter the population first.");

    await u.press("👥 Population");
    expect(said(u, await u.text("-5"))).toContain("The population must be a positive whole number");
    const pop = await u.text("20.000");
    // 1 F0 in 20,000: 5 per 100,000; coverage unknown, so the cautious row: level 2.
    expect(said(u, pop)).toContain("The bot suggests 🟡 level 2 — medium (yellow) (matrix version 1)");
    expect(said(u, pop)).toContain("1 F0 in the last 7 days; population 20.000 → 5 per 100,000");

    await u.press("💉 Coverage");
    expect(said(u, await u.text("120"))).toContain("The coverage must be a number from 0 to 100");
    const cov = await u.text("80,5");
    expect(said(u, cov)).toContain("The bot suggests 🟢 level 1 — low (green)");
    expect(said(u, cov)).toContain("vaccination coverage 80.5 %");
  });

  it("refuses a level outside 1–4 and a commune outside the officer's scope", async () => {
    await officer.u.command("area", "00004");
    expect(said(officer.u, await officer.u.text("5"))).toContain("A level is 1, 2, 3 or 4");
    await officer.u.command("cancel");

    await outsider.u.command("area");
    expect(said(outsider.u, await outsider.u.text("00004"))).toContain("That commune is outside your scope");
    await residents.chi.u.command("area");
    expect(residents.chi.u.lastText()).toContain("Only commune, district and province officers");
  });

  it("sets level 3 with a reason; residents of that commune get exactly one notice each, others none", async () => {
    const u = officer.u;
    await u.command("area", "00004");
    await u.press("🟠 3");
    expect(said(u, await u.text("ab"))).toContain("The reason should be 3 to 300 characters long");
    await u.text("Cluster at the market");
    const set = await u.press("Today");
    expect(said(u, set)).toContain(
      "✅ Phường Ba Đình is at 🟠 level 3 — high (orange) from 01/08/2021. 2 residents will be told.",
    );
    expect(said(u, set)).toContain("In effect: 🟠 level 3 — high (orange) since 01/08/2021");
    await received(bot, residents.an.u.id, NOTICE);
    await received(bot, residents.binh.u.id, NOTICE);

    // The same level again is recorded in the history but told to no one.
    await u.command("area", "00004");
    await u.press("🟠 3");
    await u.text("Still a cluster");
    const again = await u.press("Today");
    expect(said(u, again)).toContain("stays at 🟠 level 3");
    await new Promise((r) => setTimeout(r, 500));
    expect(sentContaining(bot, residents.an.u.id, "Your commune")).toHaveLength(1);
    expect(sentContaining(bot, residents.binh.u.id, "Your commune")).toHaveLength(1);
    expect(sentContaining(bot, residents.chi.u.id, "Your commune")).toHaveLength(0);
    expect(sentContaining(bot, officer.u.id, "Your commune")).toHaveLength(0);

    const db = bot.app.database.db;
    const rows = await db.select().from(communeLevels).where(eq(communeLevels.communeCode, "00004"));
    expect(rows.map((r) => [r.level, r.reason, r.suggestedLevel])).toEqual([
      [3, "Cluster at the market", 1],
      [3, "Still a cluster", 1],
    ]);
    const audited = await db.select().from(auditLog).where(eq(auditLog.action, "risk.setLevel"));
    expect(audited).toHaveLength(2);
  });

  it("shows the level on the personal QR and on check-in at a venue of that commune", async () => {
    const qr = await residents.an.u.command("qr");
    expect(said(residents.an.u, qr)).toContain("Your area: 🟠 level 3 — high (orange) since 01/08/2021");
    const chi = await residents.chi.u.command("qr");
    expect(said(residents.chi.u, chi)).not.toContain("Your area");

    const db = bot.app.database.db;
    const market = await createCheckpoint(
      db,
      officer.userId,
      {
        name: "Chợ Ba Đình",
        phone: null,
        provinceCode: "01",
        communeCode: "00004",
        address: "Phường Ba Đình, Hà Nội",
        kind: "market",
        stayMinutes: 60,
        parentId: null,
      },
      now,
    );
    const visit = await residents.chi.u.command("start", `cp_${market.code}`);
    expect(said(residents.chi.u, visit)).toContain(
      "⚠️ This place is in an area at 🟠 level 3 — high (orange) since 01/08/2021",
    );
  });

  it("imports figures from a CSV, reporting each bad line and keeping the good ones", async () => {
    const csv = [
      "commune,population,coverage",
      "00070,15000,65",
      "00004,-3,50",
      "01273,1000,50",
      "99999,10,10",
      "00070",
      "00070,16000,101",
    ].join("\n");
    await officer.u.command("area");
    const at = await officer.u.document(Buffer.from(csv), { fileName: "figures.csv", mimeType: "text/csv" });
    const reply = said(officer.u, at);
    expect(reply).toContain("Figures imported: 1 lines saved, 5 refused.");
    expect(reply).toContain("• line 3: the population must be a positive whole number");
    expect(reply).toContain("• line 4: that commune is outside your scope");
    expect(reply).toContain("• line 5: no commune with that code");
    expect(reply).toContain("• line 6: needs 2 or 3 columns");
    expect(reply).toContain("• line 7: the coverage must be a number from 0 to 100");
    const [row] = await bot.app.database.db
      .select()
      .from(communeFigures)
      .where(eq(communeFigures.communeCode, "00070"));
    expect([row?.population, row?.coverage]).toEqual([15000, 65]);
  });

  it("/stats shows communes by level with a chart, in scope only, and audits the read", async () => {
    await officer.u.command("stats");
    const at = await officer.u.press("7 days");
    const text = said(officer.u, at);
    expect(text).toContain("Communes by risk level:");
    expect(text).toContain("🟠 level 3 — high (orange): 1");
    expect(text).toContain("No level set: 1");
    expect(text).toContain("• Phường Ba Đình: 🟠 level 3 — high (orange) (01/08/2021)");
    const chart = officer.u
      .repliesSince(at)
      .find((c) => c.method === "sendPhoto" && c.params.caption === "Communes by risk level");
    const meta = await sharp(chart!.params.photo.bytes as Buffer).metadata();
    expect([meta.format, meta.width]).toEqual(["png", 1080]);
    // Venues by rating, with the list as files.
    expect(text).toContain("Venues by COVID-safety rating (1):");
    expect(text).toContain("• Chợ Ba Đình — not assessed");
    expect(documentsSince(officer.u, at).map((d) => d.name)).toEqual([
      "venues-safety.csv",
      "venues-safety.xlsx",
    ]);

    await outsider.u.command("stats");
    const out = await outsider.u.press("7 days");
    const theirs = said(outsider.u, out);
    expect(theirs).toContain("No level set: 1");
    expect(theirs).not.toContain("Ba Đình");
    await residents.chi.u.command("stats");
    expect(residents.chi.u.lastText()).toContain("This command is for health officials");

    const db = bot.app.database.db;
    const audited = await db.select().from(auditLog).where(eq(auditLog.action, "risk.stats"));
    expect(audited.map((a) => a.actorUserId).sort()).toEqual([officer.userId, outsider.userId].sort());
  });
});
