import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIGEST_JOB, RELEASES_JOB, REMINDERS_JOB } from "../../bot/features/monitoring/jobs.js";
import { auditLog, chatReachability, monitoringGroups, monitoringMembers } from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import {
  facilityManager,
  outboxSettled,
  person,
  received,
  sentContaining,
  until,
} from "./monitoring-support.js";

let bot: TestBot;
/** 07:30 on 1 August 2021 in Hanoi; the tests move it. */
let now = new Date("2021-08-01T07:30:00+07:00");
const hanoi = (day: number, hm: string) => new Date(`2021-08-${String(day).padStart(2, "0")}T${hm}:00+07:00`);
const tick = async (job: string, at: Date) => {
  now = at;
  expect(await bot.app.background!.scheduler.runNow(job, at)).toBe(true);
};

let manager: ScriptedUser;
let managerId: number;
let groupId: number;
const people: Record<"an" | "binh" | "cuong", ScriptedUser> = {} as never;

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  const m = await person(bot, "84915000001");
  manager = m.u;
  managerId = m.userId;
  await facilityManager(bot, m.userId);
});
afterAll(async () => {
  await bot?.stop();
});

describe("daily health reports over Telegram", () => {
  it("a manager opens a facility and enrolls people by a list file; they are linked when they register", async () => {
    await manager.command("newgroup");
    await manager.press("newgroup:kind:facility");
    await manager.text("Khu cách ly KTX Đại học Y");
    await manager.text("1 Tôn Thất Tùng, Đống Đa, Hà Nội");
    await manager.press("newgroup:days:14");
    await manager.press("newgroup:win:morning");
    await manager.press("newgroup:ok");
    const [group] = await bot.app.database.db.select().from(monitoringGroups);
    groupId = group!.id;
    expect(manager.lastText()).toContain("Centralized quarantine facility · 01/08/2021 – 15/08/2021");

    await manager.press(`mgroup:up:${groupId}`);
    const csv = [
      "Số điện thoại;Họ và tên;Phòng",
      "0915 000 011;Nguyễn Văn An;P.101",
      "0915000012;Trần Thị Bình;P.102",
      "0915000013;Lê Văn Cường;P.103",
    ].join("\r\n");
    const upload = await manager.document(Buffer.from(`\uFEFF${csv}`), {
      fileName: "danh-sach.csv",
      mimeType: "text/csv",
    });
    expect(
      manager
        .repliesSince(upload)
        .map((c) => c.params.text)
        .join("\n"),
    ).toContain("3 added, 0 updated");

    for (const [key, phone] of [
      ["an", "84915000011"],
      ["binh", "84915000012"],
      ["cuong", "84915000013"],
    ] as const) {
      const p = await person(bot, phone, "vi");
      people[key] = p.u;
      const said = p.u
        .replies()
        .slice(-3)
        .map((c) => String(c.params.text ?? ""))
        .join("\n");
      expect(said).toContain(
        "Bạn đã có tên trong danh sách báo cáo sức khỏe hằng ngày của «Khu cách ly KTX Đại học Y»",
      );
    }
    const members = await bot.app.database.db
      .select()
      .from(monitoringMembers)
      .where(eq(monitoringMembers.groupId, groupId));
    expect(members.map((m) => [m.name, m.status])).toEqual([
      ["Nguyễn Văn An", "active"],
      ["Trần Thị Bình", "active"],
      ["Lê Văn Cường", "active"],
    ]);
  });

  it("reminds in the window, stops after the report, and marks a blocked member unreachable", async () => {
    bot.fake.blockChat(people.cuong.id);
    await tick(REMINDERS_JOB, hanoi(1, "08:00"));
    const first = "Đến giờ báo cáo sức khỏe hằng ngày của bạn — «Khu cách ly KTX Đại học Y», 07:00–10:00";
    await received(bot, people.an.id, first);
    await received(bot, people.binh.id, first);
    // Cường blocked the bot: the send is refused with 403 and his chat recorded as unreachable.
    await until(
      async () =>
        (
          await bot.app.database.db
            .select()
            .from(chatReachability)
            .where(
              and(
                eq(chatReachability.channel, "telegram"),
                eq(chatReachability.chatId, String(people.cuong.id)),
              ),
            )
        )[0],
      "Cường's chat to be marked unreachable",
    );

    const report = await people.an.press("✅ Khỏe, không có triệu chứng");
    expect(
      people.an
        .repliesSince(report)
        .map((c) => c.params.text)
        .join("\n"),
    ).toContain("Đã ghi nhận báo cáo (bạn, 01/08/2021): khỏe, không có triệu chứng");

    await tick(REMINDERS_JOB, hanoi(1, "09:00"));
    await received(
      bot,
      people.binh.id,
      "Nhắc lại: hạn báo cáo sức khỏe hằng ngày của bạn tại «Khu cách ly KTX Đại học Y» là 10:00",
    );
    await outboxSettled(bot, ["reminder:"]);
    expect(sentContaining(bot, people.an.id, "báo cáo sức khỏe hằng ngày của bạn")).toHaveLength(1);
    expect(sentContaining(bot, people.binh.id, "báo cáo sức khỏe hằng ngày của bạn")).toHaveLength(2);

    await manager.command("group");
    const status = String(manager.lastText());
    expect(status).toContain(
      "Cannot be reached — blocked the bot, outside Zalo's messaging window or no chat (1):\n• Lê Văn Cường (P.103)",
    );
    expect(status).toContain("Reported today (1):\n• Nguyễn Văn An (P.101)");
  });

  it("alerts the managers at once when a member reports a fever and a symptom", async () => {
    now = hanoi(1, "09:20");
    await people.an.command("report");
    await people.an.press("🤒 Có triệu chứng hoặc sốt: khai chi tiết");
    await people.an.press("38,5 – 39,4 °C");
    await people.an.press("Ho");
    await people.an.press("✔ Xong");
    await people.an.press("Bỏ qua");
    const saved = await people.an.press("Bỏ qua");
    expect(
      people.an
        .repliesSince(saved)
        .map((c) => c.params.text)
        .join("\n"),
    ).toContain("đã được báo và sẽ liên hệ với bạn");
    const alert = await received(bot, manager.id, "🚨");
    expect(alert.params.text).toBe(
      "🚨 «Khu cách ly KTX Đại học Y»: Nguyễn Văn An (P.101) · 0915 000 011 reported at 09:20 01/08/2021: temperature 38.5 – 39.4 °C · symptoms: cough.",
    );
    const [an] = await bot.app.database.db
      .select({ userId: monitoringMembers.userId })
      .from(monitoringMembers)
      .where(and(eq(monitoringMembers.groupId, groupId), eq(monitoringMembers.name, "Nguyễn Văn An")));
    const alerts = await bot.app.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "monitoring.alert"));
    expect(alerts).toMatchObject([
      { actorUserId: managerId, subjectUserIds: [an!.userId], scopeType: "group", scopeId: String(groupId) },
    ]);
  });

  it("sends the managers a digest that lists the silent", async () => {
    // An reported at 09:20 yesterday: not yet today, but not silent; the others never reported.
    await tick(DIGEST_JOB, hanoi(2, "09:00"));
    const digest = await received(bot, manager.id, "Daily summary");
    expect(digest.params.text).toContain("📊 Daily summary — «Khu cách ly KTX Đại học Y», 02/08/2021");
    expect(digest.params.text).toMatch(
      /Silent for 24 hours or more \(2\):\n• Lê Văn Cường \(P\.103\) · 0915 000 013\n• Trần Thị Bình \(P\.102\) · 0915 000 012/,
    );
    expect(digest.params.text).toContain(
      "Not reported yet today (1):\n• Nguyễn Văn An (P.101) · 0915 000 011",
    );
    // The digest put three members' names and health before the manager: one audit row, as for a look.
    const db = bot.app.database.db;
    const memberIds = (
      await db.select().from(monitoringMembers).where(eq(monitoringMembers.groupId, groupId))
    ).map((m) => m.userId);
    const digests = await db.select().from(auditLog).where(eq(auditLog.action, "monitoring.digest"));
    expect(digests).toMatchObject([
      { actorUserId: managerId, scopeType: "group", scopeId: String(groupId), detail: { day: "2021-08-02" } },
    ]);
    expect([...(digests[0]!.subjectUserIds ?? [])].sort()).toEqual([...memberIds].sort());
    // The tick again (another instance, a re-run) sends nothing and audits nothing.
    await tick(DIGEST_JOB, hanoi(2, "09:01"));
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "monitoring.digest"))).toHaveLength(1);
    // Opening it is the manager's look at the group: audited too.
    const opened = await manager.press(`mgroup:view:${groupId}`);
    expect(manager.repliesSince(opened).length).toBeGreaterThan(0);
    const looks = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "monitoring.status"), eq(auditLog.actorUserId, managerId)));
    expect(looks.at(-1)).toMatchObject({ scopeType: "group", scopeId: String(groupId) });
    expect(looks.at(-1)!.at.getTime()).toBe(now.getTime());
  });

  it("broadcasts a text to every member once, after the manager confirms", async () => {
    now = hanoi(2, "11:00");
    await manager.command("broadcast");
    await manager.text("Chiều nay 15 giờ lấy mẫu xét nghiệm tại sân, mọi người đeo khẩu trang.");
    const confirm = await manager.press("📢 Send");
    expect(
      manager
        .repliesSince(confirm)
        .map((c) => c.params.text)
        .join("\n"),
    ).toContain("recipients: 3");
    const part = "Chiều nay 15 giờ lấy mẫu xét nghiệm";
    await received(bot, people.an.id, part);
    await received(bot, people.binh.id, part);
    await outboxSettled(bot, ["broadcast:"]);
    expect(sentContaining(bot, people.an.id, part)).toHaveLength(1);
    expect(sentContaining(bot, people.binh.id, part)).toHaveLength(1);
    expect(sentContaining(bot, people.an.id, part)[0]!.params.text).toMatch(
      /^📢 Thông báo từ «Khu cách ly KTX Đại học Y»:/,
    );
  });

  it("releases everyone on the end day with a message, and closes the group", async () => {
    await tick(RELEASES_JOB, hanoi(15, "07:05"));
    const done =
      "Bạn đã hoàn thành thời gian theo dõi sức khỏe tại «Khu cách ly KTX Đại học Y» (01/08/2021 – 15/08/2021)";
    await received(bot, people.an.id, done);
    await received(bot, people.binh.id, done);
    await received(bot, manager.id, "has reached its end day and is closed; released: 3");
    const report = await people.binh.command("report");
    expect(
      people.binh
        .repliesSince(report)
        .map((c) => c.params.text)
        .join("\n"),
    ).toContain("Bạn không có trong danh sách");
  });
});
