import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import writeXlsxFile from "write-excel-file/node";
import type { Engine } from "../../../bot/core/engine.js";
import { createGroup, type Group, managedGroups } from "../../../bot/features/monitoring/groups.js";
import { createGroupInvitation } from "../../../bot/features/monitoring/invitation.js";
import { readListFile, readListTable } from "../../../bot/features/monitoring/list-file.js";
import { addDependent } from "../../../bot/shared/people.js";
import { ForbiddenError, grantRole, hasRole } from "../../../bot/shared/roles.js";
import type { Database } from "../../../db/client.js";
import { dailyReports, monitoringGroups, monitoringMembers } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import {
  buttons,
  cmd,
  csvFile,
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
const now = new Date("2021-08-01T01:00:00Z"); // 08:00 in Hanoi
let manager: TestChat;
let group: Group;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  engine = monitoringEngine(database, () => now);
  manager = await registered(engine, "84912000001");
  await makeFacilityManager(database.db, manager.userId);
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const membersOf = (groupId: number) =>
  database.db
    .select()
    .from(monitoringMembers)
    .where(eq(monitoringMembers.groupId, groupId))
    .orderBy(monitoringMembers.id);

describe("opening a group", () => {
  it("by chat: kind, name, place, period, windows; the creator becomes its manager", async () => {
    const q = await manager.say(cmd("newgroup"));
    expect(buttons(q).map((b) => b.id)).toEqual(["newgroup:kind:facility", "newgroup:kind:home"]);
    await manager.say(press("newgroup:kind:facility"));
    await manager.say(type("KTX Đại học Y — khu A"));
    await manager.say(type("1 Tôn Thất Tùng, Đống Đa"));
    await manager.say(press("newgroup:days:14"));
    const summary = await manager.say(press("newgroup:win:both"));
    expect(said(summary)).toContain("Daily reports from 01/08/2021 to 14/08/2021; completed on 15/08/2021");
    expect(said(summary)).toContain("07:00–10:00 and 19:00–21:00");
    const done = await manager.say(press("newgroup:ok"));
    expect(said(done)).toContain("«KTX Đại học Y — khu A» is open");
    expect(said(done)).toContain("Nobody is followed yet");
    group = (await managedGroups(database.db, manager.userId))[0]!;
    expect(group).toMatchObject({ kind: "facility", startsOn: "2021-08-01", endsOn: "2021-08-15" });
    expect(group!.windows).toEqual([
      { from: 420, to: 600 },
      { from: 1140, to: 1260 },
    ]);
    expect(
      await hasRole(database.db, manager.userId, "facility_manager", {
        type: "group",
        id: String(group!.id),
      }),
    ).toBe(true);
  });

  it("needs the role: lockdown areas only in the officer's own commune", async () => {
    const nobody = await registered(engine, "84912000002");
    expect(said(await nobody.say(cmd("newgroup")))).toContain("Only quarantine facility managers");
    const g = {
      kind: "lockdown" as const,
      name: "Phong tỏa thôn Đông",
      communeCode: "00004",
      place: "Thôn Đông",
      startsOn: "2021-08-01",
      endsOn: "2021-08-15",
      windows: [{ from: 420, to: 600 }],
    };
    await expect(createGroup(database.db, nobody.userId, g, now)).rejects.toBeInstanceOf(ForbiddenError);
    await grantRole(database.db, {
      userId: nobody.userId,
      role: "commune_officer",
      scope: { type: "commune", id: "00004" },
    });
    await expect(
      createGroup(database.db, nobody.userId, { ...g, communeCode: "00008" }, now),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // A code that is not in the official list is no commune at all.
    await expect(
      createGroup(database.db, nobody.userId, { ...g, communeCode: "00007" }, now),
    ).rejects.toThrow(/not in the official list/);
    const created = await createGroup(database.db, nobody.userId, g, now);
    expect(
      await hasRole(database.db, nobody.userId, "commune_officer", { type: "group", id: String(created.id) }),
    ).toBe(true);
    // The manager of another group does not see it.
    expect((await managedGroups(database.db, manager.userId)).map((x) => x.id)).not.toContain(created.id);
    const forbidden = await manager.say(press(`mgroup:view:${created.id}`));
    expect(said(forbidden)).toContain("Only the managers of this group");
  });

  it("a district officer of a province finds the lockdown area's commune in the official list", async () => {
    const officer = await registered(engine, "84912000003");
    await grantRole(database.db, {
      userId: officer.userId,
      role: "district_officer",
      scope: { type: "province", id: "38" },
    });
    await officer.say(cmd("newgroup"));
    await officer.say(press("newgroup:kind:lockdown"));
    const area = await officer.say(type("Phong toả thôn Trung"));
    expect(said(area)).toContain("Thanh Hoá");
    const none = await officer.say(type("xyzxyz"));
    expect(said(none)).toContain("xyzxyz");
    const several = await officer.say(type("hoa"));
    expect(buttons(several).map((b) => b.id)).toContain("newgroup:area:more");
    const chosen = await officer.say(type("Cẩm Thủy"));
    expect(said(chosen)).not.toContain("⚠️");
    await officer.say(type("Thôn Trung"));
    await officer.say(press("newgroup:days:14"));
    const summary = await officer.say(press("newgroup:win:morning"));
    expect(said(summary)).toContain("Thôn Trung, Xã Cẩm Thuỷ");
    await officer.say(press("newgroup:ok"));
    const [made] = await database.db
      .select()
      .from(monitoringGroups)
      .where(eq(monitoringGroups.name, "Phong toả thôn Trung"));
    expect(made?.communeCode).toBe("15127");
    // Outside the province the rule refuses, whatever the chat offered.
    await expect(
      createGroup(database.db, officer.userId, { ...made!, kind: "lockdown", communeCode: "00004" }, now),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("enrolling by list file", () => {
  it("enrolls listed phones, invites the registered, links at registration, updates on a second upload", async () => {
    const known = await registered(engine, "84912000010");
    await manager.say(press(`mgroup:up:${group.id}`));
    const csv = [
      "phone,name,room,start,end",
      "0912000010,Trần Thị Bình,P.102,,",
      "0912000011,Lê Văn Cường,P.103,01/08/2021,10/08/2021",
      "12345,Bad Phone,,,",
    ].join("\n");
    const r = await manager.say(
      { kind: "document", fileRef: "f1", fileName: "list.csv", mimeType: "text/csv", size: csv.length },
      csvFile(csv),
    );
    expect(said(r)).toContain("2 added, 0 updated; 1 of them were already registered");
    expect(said(r)).toContain("line 4: the phone number «12345» is not valid");
    const members = await membersOf(group.id);
    expect(members.map((m) => [m.name, m.status, m.endsOn])).toEqual([
      ["Trần Thị Bình", "invited", "2021-08-15"],
      ["Lê Văn Cường", "pending", "2021-08-10"],
    ]);
    const invites = await queued(database.db, "invite:");
    expect(invites).toHaveLength(1);
    expect(invites[0]).toMatchObject({ chatId: known.id });
    expect(invites[0]!.text).toContain("You are on the daily health report list of «KTX Đại học Y — khu A»");

    // The invited person confirms with the button; the listed one registers and is linked at once.
    const confirmed = await known.say(press("report:join"));
    expect(said(confirmed)).toContain("You are now on the daily health report");
    expect(said(confirmed)).toContain("How do you feel today?");
    const cuong = await registered(engine, "84912000011");
    expect(cuong.linked).toContain("You are now on the daily health report of «KTX Đại học Y — khu A»");
    expect((await membersOf(group.id)).map((m) => m.status)).toEqual(["active", "active"]);

    // The same list again (without an idle flow: the manager's only group) updates, it does not duplicate.
    const again = await manager.say(
      { kind: "document", fileRef: "f2", fileName: "list.csv", mimeType: "text/csv" },
      csvFile(csv.replace("P.103", "P.201")),
    );
    expect(said(again)).toContain("0 added, 2 updated");
    expect((await membersOf(group.id)).map((m) => m.room)).toEqual(["P.102", "P.201"]);
  });

  it("reads an Excel list the same way", async () => {
    const xlsx = await writeXlsxFile(
      [
        [{ value: "Số điện thoại" }, { value: "Họ tên" }, { value: "Phòng" }, { value: "Ngày kết thúc" }],
        [
          { value: "0912000020" },
          { value: "Phạm Văn Dũng" },
          { value: 305 },
          { value: new Date(Date.UTC(2021, 7, 12)), format: "dd/mm/yyyy" },
        ],
      ],
      { sheet: "Danh sách" },
    ).toBuffer();
    const table = await readListFile(xlsx, "xlsx");
    expect(readListTable(table).rows).toEqual([
      {
        line: 2,
        phone: "+84912000020",
        name: "Phạm Văn Dũng",
        room: "305",
        startsOn: null,
        endsOn: "2021-08-12",
      },
    ]);
  });
});

describe("the daily report", () => {
  it("one button reports well; a second report in the window replaces it and alerts the managers", async () => {
    const r = await registered(engine, "84912000030", "vi");
    const inv = await createGroupInvitation(database.db, group, {
      createdBy: manager.userId,
      now,
      timeZone: TZ,
    });
    await r.say(cmd("start", inv.payload));
    const joined = await r.say(press("invitation:accept"));
    expect(said(joined)).toContain("Bạn đã tham gia báo cáo sức khỏe hằng ngày của «KTX Đại học Y — khu A»");
    // No name yet (no declaration): asked before the first report.
    await r.say(press(buttons(joined).find((b) => b.id.startsWith("report:go:"))!.id));
    await r.say(type("Đỗ Thị Hoa"));
    const feel = await r.say(type("P.404"));
    expect(said(feel)).toContain("Hôm nay bạn thấy thế nào?");
    const ok = await r.say(press("report:healthy"));
    expect(said(ok)).toContain(
      "Đã ghi nhận báo cáo (bạn, buổi sáng ngày 01/08/2021): khỏe, không có triệu chứng",
    );

    await r.say(cmd("report"));
    await r.say(press("report:unwell"));
    await r.say(type("38,6"));
    await r.say(press("report:t:cough"));
    await r.say(press("report:t:breath"));
    await r.say(press("report:done"));
    await r.say(type("93"));
    const saved = await r.say(type("Đau đầu từ tối qua"));
    expect(said(saved)).toContain(
      "nhiệt độ 38,6 °C · triệu chứng: ho, khó thở · SpO2 93 % · ghi chú: Đau đầu từ tối qua",
    );
    expect(said(saved)).toContain("thay cho báo cáo trước đó");
    expect(said(saved)).toContain("Cán bộ y tế của «KTX Đại học Y — khu A» đã được báo");

    const [member] = await database.db
      .select()
      .from(monitoringMembers)
      .where(and(eq(monitoringMembers.groupId, group.id), eq(monitoringMembers.userId, r.userId)));
    expect(member).toMatchObject({ name: "Đỗ Thị Hoa", room: "P.404" });
    const reports = await database.db
      .select()
      .from(dailyReports)
      .where(eq(dailyReports.memberId, member!.id));
    expect(reports).toMatchObject([
      { localDate: "2021-08-01", window: 0, healthy: false, temperatureTenths: 386, spo2: 93, alert: true },
    ]);
    const alerts = await queued(database.db, "alert:");
    expect(alerts.map((a) => a.chatId)).toEqual([manager.id]);
    expect(alerts[0]!.text).toContain(
      "Đỗ Thị Hoa (P.404) · 0912 000 030 reported at 08:00 01/08/2021: temperature 38.6 °C",
    );
  });

  it("lets an account report for its dependent in the same group", async () => {
    const parent = await registered(engine, "84912000040");
    const child = await addDependent(
      database.db,
      parent.userId,
      Buffer.alloc(32, 1),
      { fullName: "Ngô Minh Khang", birthYear: 2015, relation: "child" },
      now,
    );
    const inv = await createGroupInvitation(database.db, group, {
      createdBy: manager.userId,
      now,
      timeZone: TZ,
    });
    await parent.say(cmd("start", inv.payload));
    const joined = await parent.say(press("invitation:accept"));
    const add = buttons(joined).find((b) => b.id === `report:dep:${group.id}:${child.id}`);
    expect(add?.label).toBe("➕ Add Ngô Minh Khang too");
    expect(said(await parent.say(press(add!.id)))).toContain(
      "Ngô Minh Khang is now on the daily health report",
    );
    const who = await parent.say(cmd("report"));
    expect(said(who)).toContain("Who is this report for?");
    const childButton = buttons(who).find((b) => b.label.startsWith("Ngô Minh Khang"))!;
    await parent.say(press(childButton.id));
    await parent.say(type("P.405"));
    const ok = await parent.say(press("report:healthy"));
    expect(said(ok)).toContain("Report saved (Ngô Minh Khang, morning of 01/08/2021)");
  });

  it("says there is nothing to report for someone in no group", async () => {
    const r = await registered(engine, "84912000050");
    expect(said(await r.say(cmd("report")))).toContain("You are not on the daily health report");
  });
});

describe("the manager's view", () => {
  it("lists reported, symptomatic and not yet reported by name, and broadcasts once per person", async () => {
    const status = await manager.say(cmd("group"));
    const text = said(status);
    expect(text).toContain(
      "Symptoms, fever or low SpO2 today (1):\n• Đỗ Thị Hoa (P.404) · 0912 000 030: temperature 38.6 °C",
    );
    // The parent joined by the link before any declaration: no name yet, shown as such.
    expect(text).toContain(
      "Not reported yet today (3):\n• (name not given yet) · 0912 000 040\n• Lê Văn Cường (P.201) · 0912 000 011\n• Trần Thị Bình (P.102) · 0912 000 010",
    );
    expect(text).toContain(
      "Reported today (2):\n• Đỗ Thị Hoa (P.404) · 0912 000 030\n• Ngô Minh Khang · 0912 000 040",
    );

    await manager.say(press(`mgroup:bc:${group.id}`));
    const preview = await manager.say(type("Sáng mai 7 giờ xét nghiệm PCR tại sân."));
    expect(said(preview)).toContain("Sáng mai 7 giờ xét nghiệm PCR tại sân.");
    const sent = await manager.say(press("mgroup:send"));
    // Five members, but the parent reports for two of them: four people.
    expect(said(sent)).toContain("recipients: 4");
    const rows = await queued(database.db, "broadcast:");
    expect(new Set(rows.map((r) => r.chatId)).size).toBe(4);
    expect(said(await manager.say(press("mgroup:send")))).toContain("no longer active");
    const [g] = await database.db.select().from(monitoringGroups).where(eq(monitoringGroups.id, group.id));
    expect(g?.closedAt).toBeNull();
  });
});
