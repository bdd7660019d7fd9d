import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../../bot/core/engine.js";
import { createGroup, type Group, managedGroups } from "../../../bot/features/monitoring/groups.js";
import { joinGroup, type Member } from "../../../bot/features/monitoring/members.js";
import type { Database } from "../../../db/client.js";
import { monitoringGroups, monitoringMembers } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import {
  buttons,
  cmd,
  makeFacilityManager,
  monitoringEngine,
  press,
  queued,
  registered,
  said,
  type TestChat,
  TZ,
  type,
} from "./support.js";

let fresh: FreshDatabase;
let database: Database;
let engine: Engine;
const now = new Date("2021-08-01T03:00:00Z"); // 10:00 in Hanoi
let manager: TestChat;
let group: Group;
let member: Member;
let resident: TestChat;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  engine = monitoringEngine(database, () => now);
  manager = await registered(engine, "84912300001");
  await makeFacilityManager(database.db, manager.userId);
  group = await createGroup(
    database.db,
    manager.userId,
    {
      kind: "facility",
      name: "Khu cách ly Trường Quân sự",
      communeCode: null,
      place: "Xã Sóc Sơn",
      startsOn: "2021-08-01",
      endsOn: "2021-08-15",
      windows: [{ from: 420, to: 600 }],
    },
    now,
  );
  resident = await registered(engine, "84912300002", "vi");
  ({ member } = await joinGroup(database.db, {
    group,
    userId: resident.userId,
    personId: null,
    name: "Vũ Thị Lan",
    now,
    timeZone: TZ,
  }));
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const row = async () =>
  (await database.db.select().from(monitoringMembers).where(eq(monitoringMembers.id, member.id)))[0]!;

describe("a manager's menu", () => {
  it("opens a member from the list, pauses and resumes their reminders", async () => {
    const list = await manager.say(press(`mgroup:mem:${group.id}:0`));
    expect(said(list)).toContain("«Khu cách ly Trường Quân sự» — on the list: 1 · page 1/1");
    const detail = await manager.say(press(buttons(list).find((b) => b.label.startsWith("Vũ Thị Lan"))!.id));
    expect(said(detail)).toContain(
      "Vũ Thị Lan\nPhone: 0912 300 002\nPeriod: 01/08/2021 – 15/08/2021\nStatus: followed",
    );
    const paused = await manager.say(press(`mgroup:pause:${member.id}`));
    expect(said(paused)).toContain("(reminders paused until 10:00 02/08/2021)");
    expect((await row()).pausedUntil).toEqual(new Date("2021-08-02T03:00:00Z"));
    await manager.say(press(`mgroup:resume:${member.id}`));
    expect((await row()).pausedUntil).toBeNull();
  });

  it("changes the report times", async () => {
    await manager.say(press(`mgroup:win:${group.id}`));
    const bad = await manager.say(type("sáng sớm"));
    expect(said(bad)).toContain("I could not read these times");
    await manager.say(press(`mgroup:win:${group.id}`));
    const ok = await manager.say(type("06:30-09:00, 18:00-20:00"));
    expect(said(ok)).toContain("now 06:30–09:00 and 18:00–20:00");
    const [g] = await database.db.select().from(monitoringGroups).where(eq(monitoringGroups.id, group.id));
    expect(g?.windows).toEqual([
      { from: 390, to: 540 },
      { from: 1080, to: 1200 },
    ]);
  });

  it("invites a second manager with a one-time link", async () => {
    const r = await manager.say(press(`mgroup:mgr:${group.id}`));
    const payload = /inv_[A-Za-z0-9_-]+/.exec(said(r))![0];
    const helper = await registered(engine, "84912300003");
    await helper.say(cmd("start", payload));
    const accepted = await helper.say(press("invitation:accept"));
    expect(said(accepted)).toContain("quarantine facility manager — Khu cách ly Trường Quân sự");
    expect((await managedGroups(database.db, helper.userId)).map((g) => g.id)).toEqual([group.id]);
    expect(said(await helper.say(cmd("group")))).toContain("📋 «Khu cách ly Trường Quân sự»");
  });

  it("releases a member after confirming, and they are told", async () => {
    const confirm = await manager.say(press(`mgroup:rel:${member.id}`));
    expect(buttons(confirm).map((b) => b.id)).toEqual([`mgroup:relok:${member.id}`, `mgroup:m:${member.id}`]);
    const done = await manager.say(press(`mgroup:relok:${member.id}`));
    expect(said(done)).toContain("Vũ Thị Lan is released.");
    expect(await row()).toMatchObject({ status: "released", closedAt: now });
    const [notice] = await queued(database.db, "released:");
    expect(notice).toMatchObject({ chatId: resident.id });
    expect(notice!.text).toContain(
      "Bạn đã hoàn thành thời gian theo dõi sức khỏe tại «Khu cách ly Trường Quân sự»",
    );
    expect(said(await manager.say(press(`mgroup:relok:${member.id}`)))).toContain("no longer in the group");
    expect(said(await resident.say(cmd("report")))).toContain("Bạn không có trong danh sách");
  });
});
