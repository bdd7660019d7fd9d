import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, inviteStaff } from "../../bot/features/checkpoint/checkpoints.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { i18n } from "../support/context.js";
import { type FreshDatabase, freshDatabase } from "../support/db.js";
import { outboxSettled, person, textOf, until } from "./monitoring-support.js";

/**
 * A resident is led by buttons from registration to the declaration and from anything unexpected to what
 * they can do; the command menu shows residents their commands only, and role holders theirs, per chat.
 */
const ADMIN_ID = 4242;
const OFFICIAL = ["trace", "audit", "invite", "stats", "broadcast", "visitors", "scan", "area", "group"];
let db: FreshDatabase;
let bot: TestBot;
const now = new Date("2021-08-02T02:00:00Z");
const vi = i18n.t("vi");

beforeAll(async () => {
  db = await freshDatabase();
  bot = await startTestBot({ db, clock: () => now, env: { ADMIN_TELEGRAM_IDS: String(ADMIN_ID) } });
});
afterAll(async () => {
  await bot?.stop();
  await db?.drop();
});

const buttons = (u: ScriptedUser) => u.keyboard().inline.flat();
const commandsIn = (key: string) => (bot.fake.commands.get(key) ?? []).map((c) => String(c.command));

describe("a home that leads", () => {
  it("ends registration on the declaration, one tap away", async () => {
    const u = bot.user({ languageCode: "vi" });
    await u.command("start");
    await u.press("Tiếng Việt");
    await u.press("consent:agree");
    const registered = await u.contact("84916000001");
    const last = u.repliesSince(registered).at(-1)!;
    expect(textOf(last)).toContain(vi("common:home.registered"));
    expect(buttons(u).map((b) => b.data)).toContain("home:cmd:declare");
    const tapped = await u.press("home:cmd:declare");
    expect(u.repliesSince(tapped).map(textOf).join("\n")).toContain(vi("declaration:q.fullName.ask"));
  });

  it("answers an unknown text and /start with the buttons that fit, and runs the one pressed", async () => {
    const { u } = await person(bot, "84916000002", "vi");
    const said = await u.text("xin chào, tôi cần giúp");
    expect(textOf(u.repliesSince(said).at(-1)!)).toContain(vi("common:home.notUnderstood"));
    expect(buttons(u).map((b) => b.data)).toEqual(["home:cmd:declare"]);
    await u.command("start");
    expect(textOf(u.lastReply()!)).toContain("0916 000 002");
    expect(buttons(u).map((b) => b.data)).toContain("home:cmd:declare");
    // A finished flow ends on them too: /qr with nothing declared says so, with the way on.
    await u.command("qr");
    expect(buttons(u).map((b) => b.data)).toContain("home:cmd:declare");
  });

  it("lists in /help only what the person can use", async () => {
    const { u } = await person(bot, "84916000003", "en");
    await u.command("help");
    const help = textOf(u.lastReply()!);
    expect(help).toContain("/declare");
    for (const c of ["trace", "audit", "invite", "broadcast"]) expect(help).not.toContain(`/${c} `);
  });
});

describe("menus by role", () => {
  it("publishes residents' commands only to everyone", () => {
    for (const key of ["", "vi", "en"]) {
      const published = commandsIn(key);
      expect(published).toContain("declare");
      for (const c of OFFICIAL) expect(published).not.toContain(c);
    }
  });

  it("gives an administrator their commands in their own chat", async () => {
    await outboxSettled(bot, ["menu:"]);
    for (const lang of ["vi", "en", ""]) {
      const mine = commandsIn(`chat:${ADMIN_ID}/${lang}`);
      expect(mine).toEqual(expect.arrayContaining(["declare", "trace", "audit", "invite", "stats"]));
    }
  });

  it("refreshes a person's menu when they accept a role, and their /help and home with it", async () => {
    const { u: manager, userId: managerId } = await person(bot, "84916000004", "vi");
    const cp = await createCheckpoint(
      bot.app.database.db,
      managerId,
      {
        name: "Nhà thuốc Hồng Phúc",
        phone: null,
        provinceCode: "01",
        communeCode: null,
        address: "1 Tràng Tiền",
        kind: "shop",
        stayMinutes: 60,
        parentId: null,
      },
      now,
    );
    await outboxSettled(bot, ["menu:"]);
    expect(commandsIn(`chat:${manager.id}/vi`)).toEqual(
      expect.arrayContaining(["visitors", "scan", "safety"]),
    );
    expect(commandsIn(`chat:${manager.id}/vi`)).not.toContain("trace");

    const { u: staff } = await person(bot, "84916000005", "vi");
    expect(bot.fake.commands.has(`chat:${staff.id}/vi`)).toBe(false);
    const inv = await inviteStaff(bot.app.database.db, managerId, cp.id, now);
    await staff.command("start", inv.payload);
    await staff.press("invitation:accept");
    await outboxSettled(bot, ["menu:"]);
    await until(() => commandsIn(`chat:${staff.id}/vi`).includes("scan"), "the staff member's menu");
    expect(commandsIn(`chat:${staff.id}/vi`)).not.toContain("visitors");
    await staff.command("help");
    expect(textOf(staff.lastReply()!)).toContain("/scan");
    await staff.command("start");
    expect(buttons(staff).map((b) => b.data)).toContain("home:cmd:scan");
  });
});
