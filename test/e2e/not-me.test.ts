import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderQrPng } from "../../bot/render/qr-image.js";
import { formatPhone } from "../../bot/shared/phone.js";
import { grantRole } from "../../bot/shared/roles.js";
import { auditLog, users, visitDisputes, visits } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { declare, registerCheckpoint, registered, said, visitsOf } from "./checkpoints-support.js";
import { outboxSettled, received, sentContaining } from "./monitoring-support.js";

// Staff check someone in "by name and phone"; the holder of that phone is told at once and can refuse it.

let bot: TestBot;
let now = new Date("2021-08-01T02:00:00Z"); // 09:00 in Hanoi
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

let manager: { u: ScriptedUser; userId: number };
let staff: { u: ScriptedUser; userId: number };
let shop: Awaited<ReturnType<typeof registerCheckpoint>>;
let pharmacy: Awaited<ReturnType<typeof registerCheckpoint>>;

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  manager = await registered(bot);
  shop = await registerCheckpoint(manager.u, bot, "Minh Anh grocery", manager.userId);
  pharmacy = await registerCheckpoint(manager.u, bot, "Pharmacy Hồng Phúc", manager.userId);
  staff = await registered(bot);
  await grantRole(bot.app.database.db, {
    userId: staff.userId,
    role: "checkpoint_staff",
    scope: { type: "checkpoint", id: String(shop.id) },
  });
});
afterAll(async () => {
  await bot?.stop();
});

const phoneOf = async (userId: number) =>
  (await bot.app.database.db.select({ phone: users.phone }).from(users).where(eq(users.id, userId)))[0]!
    .phone!;

/** Staff type a name and a phone (as people write it: 0913 …) in scanning mode. */
async function checkInByPhone(name: string, phone: string): Promise<string> {
  await staff.u.command("scan");
  await staff.u.press("scan:manual");
  await staff.u.text(name);
  const done = await staff.u.text(formatPhone(phone));
  const answer = said(staff.u, done);
  await staff.u.press("scan:done");
  return answer;
}

describe("a check-in by phone, refused by the phone's holder", () => {
  it("tells the resident at once; Not me removes it mid-conversation and the manager sees the refusal", async () => {
    const db = bot.app.database.db;
    const r = await registered(bot);
    await declare(bot, r.userId, now, { fullName: "Lê Thị Hoa" });
    // The resident is at the pharmacy, checked in by themselves.
    await r.u.command("start", `cp_${pharmacy.code}`);
    later(10);

    const answer = await checkInByPhone("Lê Thị Hoa", await phoneOf(r.userId));
    expect(answer).toContain("L.T.H. checked in at “Minh Anh grocery”");
    expect(answer).toContain("The account holder of this phone number has been told");
    const filed = await visitsOf(bot, r.userId);
    expect(filed.map((v) => [v.checkpointId, v.method, v.endedHow])).toEqual([
      [pharmacy.id, "link", "superseded"],
      [shop.id, "staff_manual", null],
    ]);

    const notice = await received(
      bot,
      r.u.chatId,
      "You were checked in at “Minh Anh grocery” by staff at 09:10",
    );
    expect(String(notice.params.text)).toContain("01/08/2021");
    // In the middle of something else: the button still works, and the conversation goes on after it.
    later(5);
    await r.u.command("declare");
    const pressed = await r.u.press("🙅 Not me");
    const reply = said(r.u, pressed);
    expect(reply).toContain(
      "Removed: the check-in at “Minh Anh grocery” at 09:10 (01/08/2021) is no longer held",
    );
    expect(reply).toContain("Your earlier check-in, which this one had ended, is back as it was.");
    expect(reply).toContain("Are your personal details the same as last time?");

    const left = await visitsOf(bot, r.userId);
    expect(left.map((v) => [v.checkpointId, v.checkedOutAt, v.endedHow])).toEqual([
      [pharmacy.id, null, null],
    ]);
    const disputes = await db.select().from(visitDisputes).where(eq(visitDisputes.checkpointId, shop.id));
    expect(disputes).toMatchObject([{ staffUserId: staff.userId, visitId: filed[1]!.id }]);
    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "checkpoint.visitRefused"), eq(auditLog.actorUserId, r.userId)));
    expect(audited).toMatchObject([
      { subjectUserIds: [r.userId], scopeType: "checkpoint", scopeId: String(shop.id) },
    ]);

    const told = await received(bot, manager.u.chatId, "was refused by the holder of that phone");
    expect(String(told.params.text)).toContain("“Minh Anh grocery”");
    expect(String(told.params.text)).toContain(formatPhone(await phoneOf(staff.userId)));
    await manager.u.command("visitors");
    const view = await manager.u.press(`visitors:view:${shop.id}`);
    expect(said(manager.u, view)).toContain("1 check-in by phone was refused by the person this week");

    // The notice was replaced by the answer (its button gone); a second press from a stale copy of it:
    const again = await r.u.pressData(`checkin:notme:${filed[1]!.id}`);
    expect(said(r.u, again)).toContain("This check-in was already removed.");
    expect(await db.select().from(visitDisputes)).toHaveLength(1);
  });

  it("refuses a Not me for someone else's visit or for a scanned QR, and tells nobody about a walk-in", async () => {
    const db = bot.app.database.db;
    const a = await registered(bot);
    const scanned = await declare(bot, a.userId, now);
    await staff.u.command("scan");
    await staff.u.photo(await renderQrPng(scanned.token));
    await staff.u.press("scan:done");
    const [qrVisit] = await visitsOf(bot, a.userId);
    expect(qrVisit?.method).toBe("staff_qr");
    const own = await a.u.pressData(`checkin:notme:${qrVisit!.id}`);
    expect(said(a.u, own)).toContain("This check-in cannot be removed this way");

    later(1);
    const b = await registered(bot);
    await checkInByPhone("Trần Văn Cường", await phoneOf(b.userId));
    const [phoneVisit] = await visitsOf(bot, b.userId);
    const crafted = await a.u.pressData(`checkin:notme:${phoneVisit!.id}`);
    expect(said(a.u, crafted)).toContain("This check-in cannot be removed this way");
    expect(await visitsOf(bot, b.userId)).toHaveLength(1);
    expect(await visitsOf(bot, a.userId)).toHaveLength(1);

    const walkIn = await checkInByPhone("Phạm Văn Bình", "+84987000333");
    expect(walkIn).toContain("P.V.B. checked in");
    expect(walkIn).not.toContain("has been told");
    const [row] = await db.select().from(visits).where(eq(visits.visitorPhone, "+84987000333"));
    expect(row).toMatchObject({ userId: null, method: "staff_manual" });
    await outboxSettled(bot, ["staffcheckin:"]);
    expect(sentContaining(bot, a.u.chatId, "You were checked in at")).toEqual([]);
  });
});
