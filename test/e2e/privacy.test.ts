import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../bot/features/checkpoint/checkpoints.js";
import { createGroup, DEFAULT_WINDOWS, importList } from "../../bot/features/monitoring/index.js";
import { REMINDERS_JOB } from "../../bot/features/monitoring/jobs.js";
import { grantRole } from "../../bot/shared/roles.js";
import {
  auditLog,
  dailyReports,
  declarations,
  identities,
  monitoringMembers,
  people,
  traceContacts,
  users,
  visits,
} from "../../db/schema/index.js";
import type { ScriptedUser } from "../fake-telegram/index.js";
import { startTestBot, type TestBot } from "../support/bot-harness.js";
import { i18n } from "../support/context.js";
import { account } from "../support/tracing-town.js";
import { documentsSince, said } from "./checkpoints-support.js";
import { outboxSettled, sentContaining } from "./monitoring-support.js";
import { answerTelegramDeclaration } from "./privacy-support.js";

const MIN = 60_000;
/** 08:00 on 26 November 2026 in Hanoi. */
let now = new Date("2026-11-26T01:00:00Z");
const later = (minutes: number) => {
  now = new Date(now.getTime() + minutes * MIN);
};
const vi = i18n.t("vi");
const en = i18n.t("en");

let bot: TestBot;
let managerId: number;
let groupId: number;
let cpCode: string;
let cpId: number;
let officer: ScriptedUser;
const PHONE_A = "84916000001";
const PHONE_B = "84916000002";
const PHONE_C = "84916000003";

const userIdOf = async (u: ScriptedUser) =>
  (
    await bot.app.database.db
      .select({ id: identities.userId })
      .from(identities)
      .where(eq(identities.externalId, String(u.id)))
  )[0]!.id;

/** Registers through the consent screen and declares, as a resident would. */
async function resident(phone: string, lang: "vi" | "en"): Promise<ScriptedUser> {
  const u = bot.user({ languageCode: lang });
  await u.command("declare");
  await u.press(`language:${lang}`);
  await u.press("consent:agree");
  await u.contact(phone);
  await answerTelegramDeclaration(u, lang);
  await u.press("declaration:confirm");
  return u;
}

beforeAll(async () => {
  bot = await startTestBot({ clock: () => now });
  const db = bot.app.database.db;
  managerId = await account(db, "7001", "+84916000100", now);
  await grantRole(db, { userId: managerId, role: "facility_manager", scope: { type: "province", id: "01" } });
  const officerId = await account(db, "7002", "+84916000200", now);
  await grantRole(db, { userId: officerId, role: "district_officer", scope: { type: "province", id: "01" } });
  officer = bot.user({ id: 7002 });
  const group = await createGroup(
    db,
    managerId,
    {
      kind: "facility",
      name: "Khu cách ly Mễ Trì",
      communeCode: null,
      place: "Mễ Trì, Nam Từ Liêm",
      startsOn: "2026-11-26",
      endsOn: "2026-12-10",
      windows: [...DEFAULT_WINDOWS],
    },
    now,
  );
  groupId = group.id;
  await importList(db, i18n, {
    actorId: managerId,
    groupId,
    rows: [
      { line: 2, phone: `+${PHONE_A}`, name: "Phạm Thị Xoá", room: "P.7", startsOn: null, endsOn: null },
      { line: 3, phone: `+${PHONE_C}`, name: "Đỗ Văn Còn", room: "P.8", startsOn: null, endsOn: null },
    ],
    now,
  });
  const cp = await createCheckpoint(
    db,
    managerId,
    {
      name: "Chợ Hôm",
      phone: null,
      provinceCode: "01",
      communeCode: null,
      address: "79 Phố Huế",
      kind: "market",
      stayMinutes: 120,
      parentId: null,
    },
    now,
  );
  cpCode = cp.code;
  cpId = cp.id;
});
afterAll(async () => {
  await bot?.stop();
});

describe("consent, /mydata and /delete end to end", () => {
  it("asks consent before the phone, refuses a contact before it, and records version and time", async () => {
    const u = bot.user({ languageCode: "en" });
    await u.command("start");
    const chosen = await u.press("language:en");
    expect(said(u, chosen)).toContain("Before we start");
    expect(said(u, chosen)).toContain("/privacy");
    expect(JSON.stringify(u.lastReply()?.params.reply_markup ?? {})).not.toContain("request_contact");
    const early = await u.contact("84916000009");
    expect(said(u, early)).toContain(en("privacy:notice.useButton"));
    const full = await u.press("consent:full");
    expect(said(u, full)).toContain("Decree 13/2023/ND-CP");
    const id = await userIdOf(u);
    const [before] = await bot.app.database.db.select().from(users).where(eq(users.id, id));
    expect(before).toMatchObject({ phone: null, consentVersion: null, consentedAt: null });

    await u.press("consent:agree");
    expect(u.keyboard().reply?.[0]?.[0]).toMatchObject({ request_contact: true });
    await u.contact("84916000009");
    const [after] = await bot.app.database.db.select().from(users).where(eq(users.id, id));
    expect(after).toMatchObject({ phone: "+84916000009", consentVersion: 1, consentedAt: now });
  });

  it("asks someone registered before consent existed once, on their next message, then goes on", async () => {
    const db = bot.app.database.db;
    const old = await account(db, "7010", "+84916000010", now);
    await db.update(users).set({ consentVersion: null, consentedAt: null }).where(eq(users.id, old));
    const u = bot.user({ id: 7010 });
    const asked = await u.command("declare");
    expect(said(u, asked)).toContain("Before we start");
    const agreed = await u.press("consent:agree");
    expect(said(u, agreed)).toContain(en("declaration:q.fullName.ask"));
    const again = await u.command("help");
    expect(said(u, again)).not.toContain("Before we start");
  });

  let a: ScriptedUser;
  let b: ScriptedUser;
  let c: ScriptedUser;

  it("/mydata lists a visit, a group and a report, and sends the files", async () => {
    a = await resident(PHONE_A, "vi");
    b = await resident(PHONE_B, "en");
    c = await resident(PHONE_C, "vi");
    await a.command("start", `cp_${cpCode}`);
    later(10);
    await b.command("start", `cp_${cpCode}`);
    later(20);
    await a.command("report");
    await a.press("✅ Khỏe, không có triệu chứng");

    const shown = await a.command("mydata");
    const text = said(a, shown);
    expect(text).toContain("0916 000 001");
    expect(text).toContain(vi("privacy:mydata.visitsTitle", { count: 1 }));
    expect(text).toContain("• Chợ Hôm: vào 08:00 26/11/2026, ra chưa ra");
    expect(text).toContain("Khu cách ly Mễ Trì");
    expect(text).toContain("1 báo cáo hằng ngày");
    expect(text).toContain("Đồng ý xử lý dữ liệu: phiên bản 1");
    const files = documentsSince(a, shown);
    expect(files.map((f) => f.name)).toEqual(["du-lieu-ca-nhan.json", "luot-ra-vao.csv"]);
    const json = JSON.parse(files[0]!.bytes.toString("utf8"));
    expect(json.visits).toEqual([expect.objectContaining({ place: "Chợ Hôm", address: "79 Phố Huế" })]);
    expect(json.monitoring[0]).toMatchObject({ group: "Khu cách ly Mễ Trì", status: "active" });
    expect(json.monitoring[0].reports).toHaveLength(1);
    expect(json.people[0].declarations).toHaveLength(1);
    expect(files[1]!.bytes.toString("utf8")).toContain("Chợ Hôm");
  });

  it("a group manager's member view and a visit-log export each add an audit row naming whose data it was", async () => {
    const db = bot.app.database.db;
    const manager = bot.user({ id: 7001 });
    const aId = await userIdOf(a);
    const rowsOf = (action: string) => db.select().from(auditLog).where(eq(auditLog.action, action));
    expect(await rowsOf("monitoring.members")).toHaveLength(0);
    await manager.command("group");
    expect((await rowsOf("monitoring.status")).at(-1)?.subjectUserIds).toContain(aId);
    const view = await manager.pressData(`mgroup:mem:${groupId}`);
    // Listed as "Phạm Thị Xoá" (P.7); the list shows the name the person declared, with the room and phone.
    expect(`${said(manager, view)}${JSON.stringify(manager.keyboard())}`).toContain("(P.7) · 0916");
    const [members] = await rowsOf("monitoring.members");
    expect(members).toMatchObject({ actorUserId: managerId, scopeType: "group", scopeId: String(groupId) });
    expect(members?.subjectUserIds).toContain(aId);

    const before = (await rowsOf("checkpoint.export")).length;
    await manager.command("visitors");
    const exported = await manager.pressData(`visitors:x:${cpId}:1`);
    expect(documentsSince(manager, exported).length).toBeGreaterThan(0);
    const exports = await rowsOf("checkpoint.export");
    expect(exports).toHaveLength(before + 1);
    expect(exports.at(-1)?.subjectUserIds).toContain(aId);
  });

  it("after /delete, the summary matches the database, a new trace has no row for them and no reminder comes", async () => {
    const db = bot.app.database.db;
    const aId = await userIdOf(a);
    await officer.command("trace");
    const first = await officer.text("0916 000 002");
    expect(said(officer, first)).toContain("F1 (same place, same time): 1");
    const traced = await db.select().from(traceContacts).where(eq(traceContacts.userId, aId));
    expect(traced).toHaveLength(1);
    const seen = await a.command("mydata");
    expect(said(a, seen)).toContain("có tên là F1");

    const [aPerson] = await db.select().from(people).where(eq(people.userId, aId));
    const count = async () => ({
      declarations: (await db.select().from(declarations).where(eq(declarations.userId, aId))).length,
      visits: (await db.select().from(visits).where(eq(visits.userId, aId))).length,
      contacts: (await db.select().from(traceContacts).where(eq(traceContacts.userId, aId))).length,
      reports: (
        await db
          .select()
          .from(dailyReports)
          .innerJoin(monitoringMembers, eq(monitoringMembers.id, dailyReports.memberId))
          .where(eq(monitoringMembers.userId, aId))
      ).length,
    });
    expect(await count()).toEqual({ declarations: 1, visits: 1, contacts: 1, reports: 1 });

    await a.command("delete");
    const done = await a.press("delete:yes");
    const summary = said(a, done);
    expect(summary).toContain(vi("privacy:erased.declarations", { count: 1 }));
    expect(summary).toContain(vi("privacy:erased.visits", { count: 1 }));
    expect(summary).toContain(vi("privacy:erased.contacts", { count: 1 }));
    expect(summary).toContain(vi("privacy:erased.self"));
    expect(summary).toContain(vi("privacy:erased.phone"));
    // In a quarantine period: told the monitoring record is kept until it ends, then retention.
    expect(summary).toContain(
      vi("privacy:erased.keptMonitoring", { name: "Khu cách ly Mễ Trì", count: 1, until: "2026-12-10" }),
    );
    expect(summary).toContain(vi("privacy:erased.keptAudit"));

    const left = await count();
    expect(left).toEqual({ declarations: 0, visits: 0, contacts: 0, reports: 1 });
    expect(await db.select().from(people).where(eq(people.id, aPerson!.id))).toEqual([]);
    const [row] = await db.select().from(users).where(eq(users.id, aId));
    expect(row).toMatchObject({ phone: null, displayName: null, consentVersion: null });
    expect(row?.erasedAt).toEqual(now);
    const [member] = await db.select().from(monitoringMembers).where(eq(monitoringMembers.userId, aId));
    expect(member).toMatchObject({ status: "removed", phone: null, personId: null });
    // The audit rows of the first trace stay, pointing to the erased account.
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, "trace.run"));
    expect(audits.length).toBeGreaterThan(0);

    later(5);
    await officer.command("trace");
    const second = await officer.text("0916 000 002");
    expect(said(officer, second)).toContain("F1 (same place, same time): 0");

    // The next morning: the other member is reminded, the erased one is not.
    now = new Date("2026-11-27T01:00:00Z");
    expect(await bot.app.background!.scheduler.runNow(REMINDERS_JOB, now)).toBe(true);
    await outboxSettled(bot, ["reminder:"]);
    expect(sentContaining(bot, c.id, "báo cáo sức khỏe hằng ngày")).not.toHaveLength(0);
    expect(sentContaining(bot, a.id, "Đến giờ báo cáo")).toHaveLength(0);
    const shown = await a.command("mydata");
    expect(said(a, shown)).toContain(vi("privacy:mydata.noPhone"));
    expect(said(a, shown)).toContain(vi("privacy:mydata.noVisits"));
  });
});
