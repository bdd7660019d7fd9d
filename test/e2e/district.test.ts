import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIGEST_JOB } from "../../bot/features/monitoring/jobs.js";
import { declarations, monitoringGroups, monitoringMembers } from "../../db/schema/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { emptyDatabase, type FreshDatabase } from "../support/db.js";
import { answerRest } from "../support/declaration.js";
import { facilityManager, person, received } from "./monitoring-support.js";

/**
 * A district deploying the bot as it comes: an empty database, the bot started as in production. The official
 * communes are there without any import, and a manager's silent list names the people it exists to find.
 */
const hanoi = (day: number, hm: string) => new Date(`2021-08-${String(day).padStart(2, "0")}T${hm}:00+07:00`);
let now = hanoi(1, "08:00");
let db: FreshDatabase;
let bot: TestBot;

beforeAll(async () => {
  db = await emptyDatabase();
  bot = await startTestBot({ db, clock: () => now });
});
afterAll(async () => {
  await bot?.stop();
  await db?.drop();
});

const loadedLine = (b: TestBot) => b.logs.filter((l) => l.includes("official unit list loaded"));

describe("a fresh install", () => {
  it("loads the official list at its first start, once", async () => {
    expect(loadedLine(bot)).toHaveLength(1);
    expect(JSON.parse(loadedLine(bot)[0]!)).toMatchObject({ provinces: 34, communes: 3321 });
    // A second instance (or a restart) on the same database loads nothing again.
    const second = await startTestBot({ db, clock: () => now });
    try {
      expect(second.logs.some((l) => l.includes("database ready"))).toBe(true);
      expect(loadedLine(second)).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it("resolves «Cẩm Thủy» in Thanh Hoá to the official commune, and refuses «xyzxyz»", async () => {
    const { u } = await person(bot, "84915100001", "vi");
    await u.command("declare");
    await answerRest(u, "vi", "province");
    // Provinces are buttons.
    const provinces = u
      .keyboard()
      .inline.flat()
      .filter((b) => b.data?.startsWith("declaration:a:province:"));
    expect(provinces).toHaveLength(34);
    await u.press("declaration:a:province:38");
    const refused = await u.text("xyzxyz");
    expect(
      u
        .repliesSince(refused)
        .map((c) => String(c.params.text))
        .join("\n"),
    ).toContain("Không tìm thấy xã/phường nào có tên «xyzxyz»");
    // Part of a name without diacritics: several matches, a few at a time, with "more".
    await u.text("hoa");
    const offered = u.keyboard().inline.flat();
    expect(offered.filter((b) => b.data?.match(/^declaration:a:commune:\d{5}$/)).length).toBe(6);
    expect(offered.map((b) => b.data)).toContain("declaration:a:commune:more");
    await u.press("declaration:a:commune:more");
    expect(u.lastText()).toContain("7–12");
    // The other tone-mark placement finds the official "Cẩm Thuỷ".
    await u.text("Cẩm Thủy");
    await answerRest(u, "vi");
    expect(u.lastText()).toContain("Xã Cẩm Thuỷ");
    await u.press("declaration:confirm");
    const [saved] = await bot.app.database.db
      .select()
      .from(declarations)
      .orderBy(desc(declarations.id))
      .limit(1);
    expect(saved).toMatchObject({ provinceCode: "38", communeCode: "15127" });
  });
});

describe("a manager's silent list", () => {
  it("names a member who joined by link and declared but never reported, with their phone", async () => {
    const m = await person(bot, "84915100010", "en");
    await facilityManager(bot, m.userId);
    await m.u.command("newgroup");
    await m.u.press("newgroup:kind:home");
    await m.u.text("Cách ly tại nhà phường Hạc Thành");
    await m.u.text("Phường Hạc Thành, Thanh Hoá");
    await m.u.press("newgroup:days:14");
    await m.u.press("newgroup:win:morning");
    await m.u.press("newgroup:ok");
    const [group] = await bot.app.database.db
      .select()
      .from(monitoringGroups)
      .where(eq(monitoringGroups.name, "Cách ly tại nhà phường Hạc Thành"));
    const invite = await m.u.press(`mgroup:link:${group!.id}`);
    const link = m.u
      .repliesSince(invite)
      .map((c) => String(c.params.text ?? ""))
      .join("\n");
    const payload = /start=(inv_[A-Za-z0-9_-]+)/.exec(link)?.[1];
    expect(payload).toBeDefined();

    // Joins by the link first, declares afterwards, and never reports.
    const member = await person(bot, "84915100011", "vi");
    await member.u.command("start", payload);
    await member.u.press("invitation:accept");
    const [joined] = await bot.app.database.db
      .select()
      .from(monitoringMembers)
      .where(eq(monitoringMembers.groupId, group!.id));
    expect(joined).toMatchObject({ userId: member.userId, status: "active", name: "" });
    await member.u.command("declare");
    await answerRest(member.u, "vi");
    await member.u.press("declaration:confirm");

    now = hanoi(3, "09:00");
    await bot.app.background!.scheduler.runNow(DIGEST_JOB, now);
    const digest = await received(bot, m.u.id, "Daily summary");
    expect(String(digest.params.text)).toMatch(
      /Silent for 24 hours or more \(1\):\n• Nguyễn Văn An · 0915 100 011/,
    );
    await m.u.command("group");
    expect(m.u.lastText()).toContain("• Nguyễn Văn An · 0915 100 011");
  });
});
