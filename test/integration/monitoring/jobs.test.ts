import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTHY, saveReport } from "../../../bot/features/monitoring/daily-reports.js";
import { runDigest } from "../../../bot/features/monitoring/digest-job.js";
import { createGroup, type Group } from "../../../bot/features/monitoring/groups.js";
import { joinGroup, memberById, pauseMember } from "../../../bot/features/monitoring/members.js";
import { purgeMonitoring } from "../../../bot/features/monitoring/release.js";
import { runReleases } from "../../../bot/features/monitoring/releases-job.js";
import { runReminders } from "../../../bot/features/monitoring/reminders-job.js";
import { groupStatus } from "../../../bot/features/monitoring/status.js";
import { findOrCreateUser, setUserLang, setUserPhone } from "../../../bot/shared/users.js";
import type { Database } from "../../../db/client.js";
import {
  auditLog,
  chatReachability,
  dailyReports,
  monitoringGroups,
  monitoringMembers,
} from "../../../db/schema/index.js";
import { i18n } from "../../support/context.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { makeFacilityManager, queued, TZ } from "./support.js";

let fresh: FreshDatabase;
let database: Database;
let group: Group;
const hanoi = (day: number, hm: string) => new Date(`2021-08-${String(day).padStart(2, "0")}T${hm}:00+07:00`);
const members: { id: number; chatId: string; userId: number }[] = [];
let managerChat = "";
let managerId = 0;

async function person(chatId: string, phone: string) {
  const user = await findOrCreateUser(database.db, { channel: "telegram", externalId: chatId, chatId });
  await setUserPhone(database.db, user.id, phone, hanoi(1, "06:00"));
  return user;
}

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  managerChat = "9001";
  const manager = await person(managerChat, "+84912100000");
  managerId = manager.id;
  await setUserLang(database.db, manager.id, "en");
  await makeFacilityManager(database.db, manager.id);
  group = await createGroup(
    database.db,
    manager.id,
    {
      kind: "home",
      name: "Cách ly tại nhà — phường Bến Nghé",
      communeCode: null,
      place: "Phường Bến Nghé",
      startsOn: "2021-08-01",
      endsOn: "2021-08-05",
      windows: [{ from: 420, to: 600 }],
    },
    hanoi(1, "06:00"),
  );
  for (const [i, name] of ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"].entries()) {
    const chatId = String(9100 + i);
    const user = await person(chatId, `+8491210000${i + 1}`);
    const { member } = await joinGroup(database.db, {
      group,
      userId: user.id,
      personId: null,
      name,
      now: hanoi(1, "06:00"),
      timeZone: TZ,
    });
    members.push({ id: member.id, chatId, userId: user.id });
  }
  // Cường leaves a day early (his own end day).
  await database.db
    .update(monitoringMembers)
    .set({ endsOn: "2021-08-03" })
    .where(eq(monitoringMembers.id, members[2]!.id));
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const deps = () => ({ db: database.db, i18n, timeZone: TZ });
const remindersTo = async (chatId: string) =>
  (await queued(database.db, "reminder:")).filter((r) => r.chatId === chatId);
const report = async (i: number, at: Date) => {
  const m = await memberById(database.db, members[i]!.id);
  await saveReport(database.db, i18n, {
    membership: m!,
    reportedBy: members[i]!.userId,
    input: HEALTHY,
    now: at,
    timeZone: TZ,
  });
};

describe("reminders", () => {
  it("come in the window, once, then a second near its end, and stop after the report", async () => {
    expect(await runReminders(deps(), hanoi(1, "06:00"))).toMatchObject({
      first: 0,
      second: 0,
      skipped: { insideWindow: 3 },
    });
    expect(await runReminders(deps(), hanoi(1, "07:00"))).toEqual({
      checked: 3,
      first: 3,
      second: 0,
      skipped: {},
    });
    // The same tick again (another instance, a retry) queues nothing more.
    expect(await runReminders(deps(), hanoi(1, "07:00"))).toMatchObject({ first: 0, second: 0 });
    expect(await runReminders(deps(), hanoi(1, "08:00"))).toMatchObject({ first: 0, second: 0 });
    await report(0, hanoi(1, "08:30"));
    expect(await runReminders(deps(), hanoi(1, "09:00"))).toMatchObject({
      first: 0,
      second: 2,
      skipped: { notReported: 1 },
    });
    expect(await runReminders(deps(), hanoi(1, "10:00"))).toMatchObject({ first: 0, second: 0 });

    const an = await remindersTo(members[0]!.chatId);
    expect(an.map((r) => r.dedupeKey)).toEqual([`reminder:${members[0]!.id}:2021-08-01:0:1`]);
    expect(an[0]!.text).toContain(
      "Đến giờ báo cáo sức khỏe hằng ngày của bạn — «Cách ly tại nhà — phường Bến Nghé», 07:00–10:00",
    );
    expect(an[0]!.reply.kind === "text" && an[0]!.reply.options?.flat().map((o) => o.id)).toEqual([
      `report:ok:${members[0]!.id}`,
      `report:go:${members[0]!.id}`,
    ]);
    const binh = await remindersTo(members[1]!.chatId);
    expect(binh.map((r) => r.dedupeKey.split(":").at(-1))).toEqual(["1", "2"]);
    expect(binh[1]!.text).toContain(
      "hạn báo cáo sức khỏe hằng ngày của bạn tại «Cách ly tại nhà — phường Bến Nghé» là 10:00",
    );
  });

  it("skip a paused member", async () => {
    await pauseMember(database.db, members[1]!.id, hanoi(2, "12:00"));
    await runReminders(deps(), hanoi(2, "07:00"));
    expect((await remindersTo(members[1]!.chatId)).map((r) => r.dedupeKey)).not.toContain(
      `reminder:${members[1]!.id}:2021-08-02:0:1`,
    );
    expect((await remindersTo(members[0]!.chatId)).map((r) => r.dedupeKey)).toContain(
      `reminder:${members[0]!.id}:2021-08-02:0:1`,
    );
    await pauseMember(database.db, members[1]!.id, null);
  });
});

describe("the digest and the status", () => {
  it("lists the silent (24 hours) and the not yet reported, and marks the unreachable", async () => {
    await database.db.insert(chatReachability).values({
      channel: "telegram",
      chatId: members[2]!.chatId,
      reason: "Forbidden: bot was blocked by the user",
      at: hanoi(2, "07:00"),
    });
    const at = hanoi(2, "08:00");
    expect(await runDigest(deps(), at)).toEqual({ groups: 1, queued: 1 });
    expect(await runDigest(deps(), at)).toEqual({ groups: 1, queued: 0 });
    // Audited once (the second run queued nothing): the manager saw the three members it names.
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.action, "monitoring.digest"));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actorUserId: managerId,
      scopeType: "group",
      scopeId: String(group.id),
    });
    expect([...(audited[0]!.subjectUserIds ?? [])].sort()).toEqual(members.map((m) => m.userId).sort());
    const [digest] = await queued(database.db, "digest:");
    expect(digest).toMatchObject({
      chatId: managerChat,
      dedupeKey: `digest:${group.id}:2021-08-02:${managerId}`,
    });
    // An reported 23.5 hours ago: not yet today, not silent; Bình and Cường never did, followed since 06:00 yesterday.
    expect(digest!.text).toContain(
      "Silent for 24 hours or more (2):\n• Lê Văn Cường · 0912 100 003\n• Trần Thị Bình · 0912 100 002",
    );
    expect(digest!.text).toContain("Not reported yet today (1):\n• Nguyễn Văn An · 0912 100 001");
    expect(digest!.text).toContain(
      "Cannot be reached — blocked the bot, outside Zalo's messaging window or no chat (1):\n• Lê Văn Cường",
    );
    const status = await groupStatus(database.db, group, at, TZ);
    expect(status.unreachable.map((l) => l.member.name)).toEqual(["Lê Văn Cường"]);
  });
});

describe("end of period", () => {
  it("releases members on their end day, closes the group at its end, purges 14 days later", async () => {
    expect(await runReleases(deps(), hanoi(3, "06:00"))).toMatchObject({ released: 0 });
    expect(await runReleases(deps(), hanoi(3, "07:05"))).toMatchObject({ released: 1, closedGroups: 0 });
    const [released] = await queued(database.db, "released:");
    expect(released).toMatchObject({ chatId: members[2]!.chatId });
    expect(released!.text).toContain(
      "Bạn đã hoàn thành thời gian theo dõi sức khỏe tại «Cách ly tại nhà — phường Bến Nghé» (01/08/2021 – 03/08/2021)",
    );
    expect(await runReminders(deps(), hanoi(3, "07:10"))).toMatchObject({ checked: 2 });

    expect(await runReleases(deps(), hanoi(5, "07:05"))).toMatchObject({ released: 2, closedGroups: 1 });
    expect((await queued(database.db, "closed:")).map((r) => r.chatId)).toEqual([managerChat]);
    expect(await runReminders(deps(), hanoi(5, "08:00"))).toMatchObject({ checked: 0 });

    // Cường, released on the 3rd, goes first; the group closed at 07:05 on the 5th is kept 14 days.
    expect(await purgeMonitoring(database.db, hanoi(19, "07:00"))).toEqual({ groups: 0, members: 1 });
    expect(await purgeMonitoring(database.db, hanoi(19, "07:06"))).toEqual({ groups: 1, members: 0 });
    expect(await database.db.select().from(monitoringGroups)).toEqual([]);
    expect(await database.db.select().from(dailyReports)).toEqual([]);
  });
});
