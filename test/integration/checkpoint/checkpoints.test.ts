import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCheckout } from "../../../bot/features/checkpoint/auto-checkout-job.js";
import {
  checkpointByCode,
  checkpointByShortCode,
  createCheckpoint,
  inviteStaff,
  type NewCheckpoint,
  rotateCheckpointCode,
} from "../../../bot/features/checkpoint/checkpoints.js";
import { type ExportLabels, visitTable } from "../../../bot/features/checkpoint/visit-export.js";
import { exportVisits, visitorSummary } from "../../../bot/features/checkpoint/visit-log.js";
import {
  checkIn,
  checkOut,
  checkOutCurrent,
  purgeVisits,
  staffCheckIn,
  userVisitor,
  walkInVisitor,
} from "../../../bot/features/checkpoint/visits.js";
import { ForbiddenError, grantRole } from "../../../bot/shared/roles.js";
import { toCsv, toXlsx } from "../../../bot/shared/spreadsheet.js";
import { setUserPhone } from "../../../bot/shared/users.js";
import type { Database } from "../../../db/client.js";
import { auditLog, users, visits } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

const TZ = "Asia/Ho_Chi_Minh";
let fresh: FreshDatabase;
let database: Database;
const t0 = new Date("2021-08-01T01:00:00Z"); // 08:00 in Hanoi
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

let phoneSeq = 1000;
async function person(): Promise<number> {
  const [u] = await database.db.insert(users).values({}).returning();
  await setUserPhone(database.db, u!.id, `+8491200${String(++phoneSeq).padStart(4, "0")}`, t0);
  return u!.id;
}

const place = (name: string, extra: Partial<NewCheckpoint> = {}): NewCheckpoint => ({
  name,
  phone: "+84912345678",
  provinceCode: "01",
  communeCode: null,
  address: "1 Tràng Tiền, Hà Nội",
  kind: "shop",
  stayMinutes: 60,
  parentId: null,
  ...extra,
});

const selfIn = (
  db: Database["db"],
  cp: { id: number; stayMinutes: number },
  userId: number,
  now: Date,
  cap = 30,
) => checkIn(db, { checkpoint: cp, visitor: userVisitor(userId), method: "link", now, cap, timeZone: TZ });

describe("checkpoints", () => {
  it("makes the creator manager, and only a manager may add a part or rotate the code", async () => {
    const manager = await person();
    const stranger = await person();
    const cp = await createCheckpoint(database.db, manager, place("Chợ Đồng Xuân"), t0);
    expect(cp.code).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await checkpointByShortCode(database.db, cp.shortCode.toLowerCase()))?.id).toBe(cp.id);

    await expect(
      createCheckpoint(database.db, stranger, place("Cổng B", { parentId: cp.id }), t0),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const part = await createCheckpoint(database.db, manager, place("Cổng B", { parentId: cp.id }), t0);
    expect(part.parentId).toBe(cp.id);

    await expect(rotateCheckpointCode(database.db, stranger, cp.id, t0)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(inviteStaff(database.db, stranger, cp.id, t0)).rejects.toBeInstanceOf(ForbiddenError);
    const rotated = await rotateCheckpointCode(database.db, manager, cp.id, t0);
    expect(rotated.code).not.toBe(cp.code);
    expect(rotated.shortCode).not.toBe(cp.shortCode);
    expect(await checkpointByCode(database.db, cp.code)).toBeNull();
    expect(await checkpointByShortCode(database.db, cp.shortCode)).toBeNull();
    expect((await inviteStaff(database.db, manager, cp.id, t0)).payload).toMatch(/^inv_[A-Za-z0-9_-]+$/);
  });
});

describe("check-in rules", () => {
  it("keeps one open visit per person and never duplicates a re-scan", async () => {
    const manager = await person();
    const visitor = await person();
    const a = await createCheckpoint(database.db, manager, place("Quán phở A"), t0);
    const b = await createCheckpoint(database.db, manager, place("Siêu thị B"), t0);

    const first = await selfIn(database.db, a, visitor, at(0));
    expect(first.kind).toBe("checked_in");
    expect(await selfIn(database.db, a, visitor, at(10))).toEqual({
      kind: "already",
      visitId: first.kind === "checked_in" ? first.visit.id : 0,
      since: at(0),
    });
    const second = await selfIn(database.db, b, visitor, at(20));
    expect(second).toMatchObject({ kind: "checked_in", closed: { checkpointId: a.id, how: "superseded" } });

    const rows = await database.db.select().from(visits).where(eq(visits.userId, visitor));
    expect(rows).toHaveLength(2);
    const closedA = rows.find((r) => r.checkpointId === a.id)!;
    expect(closedA).toMatchObject({ checkedOutAt: at(20), endedHow: "superseded" });

    // Someone else's visit cannot be ended by this person; their own ends by hand.
    const other = await person();
    const openB = rows.find((r) => r.checkpointId === b.id)!;
    expect((await checkOut(database.db, other, openB.id, at(25))).kind).toBe("none");
    expect(await checkOut(database.db, visitor, openB.id, at(30))).toMatchObject({
      kind: "done",
      how: "manual",
    });
    expect((await checkOut(database.db, visitor, openB.id, at(31))).kind).toBe("already");
    expect((await checkOutCurrent(database.db, visitor, at(32))).kind).toBe("none");
  });

  it("caps self check-ins per local day, but not staff check-ins", async () => {
    const manager = await person();
    const visitor = await person();
    const places = await Promise.all(
      ["Một", "Hai", "Ba"].map((n) => createCheckpoint(database.db, manager, place(`Điểm ${n}`), t0)),
    );
    expect((await selfIn(database.db, places[0]!, visitor, at(0), 2)).kind).toBe("checked_in");
    expect((await selfIn(database.db, places[1]!, visitor, at(1), 2)).kind).toBe("checked_in");
    expect(await selfIn(database.db, places[2]!, visitor, at(2), 2)).toEqual({ kind: "capped", cap: 2 });
    // The next local day starts at 17:00 UTC.
    expect((await selfIn(database.db, places[2]!, visitor, new Date("2021-08-01T17:05:00Z"), 2)).kind).toBe(
      "checked_in",
    );
    const staffed = await staffCheckIn(database.db, {
      actorUserId: manager,
      checkpointId: places[0]!.id,
      visitor: userVisitor(visitor),
      method: "staff_manual",
      now: new Date("2021-08-01T17:10:00Z"),
      timeZone: TZ,
    });
    expect(staffed.outcome.kind).toBe("checked_in");
  });

  it("lets staff of a checkpoint (or of the building it is part of) check people in, and nobody else", async () => {
    const manager = await person();
    const staff = await person();
    const stranger = await person();
    const building = await createCheckpoint(database.db, manager, place("Bệnh viện C"), t0);
    const floor = await createCheckpoint(
      database.db,
      manager,
      place("Tầng 3", { parentId: building.id }),
      t0,
    );
    await grantRole(database.db, {
      userId: staff,
      role: "checkpoint_staff",
      scope: { type: "checkpoint", id: String(building.id) },
    });
    const walkIn = walkInVisitor("Trần Thị Bình", "+84987000111");
    const req = (actorUserId: number) =>
      staffCheckIn(database.db, {
        actorUserId,
        checkpointId: floor.id,
        visitor: walkIn,
        method: "staff_manual",
        now: at(0),
        timeZone: TZ,
      });
    await expect(req(stranger)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await req(staff)).outcome.kind).toBe("checked_in");
    expect((await req(staff)).outcome.kind).toBe("already");
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, staff), eq(auditLog.action, "checkpoint.staffManual")));
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ scopeType: "checkpoint", scopeId: String(floor.id) });
  });

  it("ends visits past their stay at the end of the stay, and purges old visits", async () => {
    const manager = await person();
    const visitor = await person();
    const cp = await createCheckpoint(database.db, manager, place("Nhà văn hóa", { stayMinutes: 30 }), t0);
    const v = await selfIn(database.db, cp, visitor, at(0));
    expect((await autoCheckout(database.db, at(29))).closed).toBe(0);
    const run = await autoCheckout(database.db, at(45));
    expect(run.closed).toBeGreaterThanOrEqual(1);
    const [row] = await database.db
      .select()
      .from(visits)
      .where(eq(visits.id, v.kind === "checked_in" ? v.visit.id : 0));
    expect(row).toMatchObject({ checkedOutAt: at(30), endedHow: "automatic" });
    expect((await autoCheckout(database.db, at(46))).closed).toBe(0);
    expect(await purgeVisits(database.db, at(1))).toBeGreaterThanOrEqual(1);
    expect(await database.db.select().from(visits).where(eq(visits.id, row!.id))).toHaveLength(0);
  });
});

describe("the manager's view", () => {
  it("shows who is inside by part and exports the log, to managers only, audited", async () => {
    const manager = await person();
    const staff = await person();
    const cp = await createCheckpoint(database.db, manager, place("Trường THCS Lê Lợi"), t0);
    const gate = await createCheckpoint(database.db, manager, place("Cổng sau", { parentId: cp.id }), t0);
    await grantRole(database.db, {
      userId: staff,
      role: "checkpoint_staff",
      scope: { type: "checkpoint", id: String(cp.id) },
    });
    const v1 = await person();
    const v2 = await person();
    await selfIn(database.db, cp, v1, at(0));
    await selfIn(database.db, gate, v2, at(5));
    await staffCheckIn(database.db, {
      actorUserId: staff,
      checkpointId: gate.id,
      visitor: walkInVisitor('=HYPERLINK("x")', "+84987000222"),
      method: "staff_manual",
      now: at(6),
      timeZone: TZ,
    });
    await checkOutCurrent(database.db, v1, at(20));

    const summaryOf = (actorUserId: number) =>
      visitorSummary(database.db, { actorUserId, checkpointId: cp.id, now: at(30), timeZone: TZ });
    await expect(summaryOf(staff)).rejects.toBeInstanceOf(ForbiddenError);
    const s = await summaryOf(manager);
    expect(s.inside).toHaveLength(2);
    expect(s.todayCount).toBe(3);
    expect(s.places.map((p) => [p.checkpoint.name, p.inside, p.today])).toEqual([
      ["Trường THCS Lê Lợi", 0, 1],
      ["Cổng sau", 2, 2],
    ]);

    const range = { from: { y: 2021, mo: 8, d: 1 }, to: { y: 2021, mo: 8, d: 1 } };
    await expect(
      exportVisits(database.db, {
        actorUserId: staff,
        checkpointId: cp.id,
        ...range,
        now: at(30),
        timeZone: TZ,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const log = await exportVisits(database.db, {
      actorUserId: manager,
      checkpointId: cp.id,
      ...range,
      now: at(30),
      timeZone: TZ,
    });
    expect(log.rows.map((r) => [r.who, r.visit.endedHow])).toEqual([
      ["self", "manual"],
      ["self", null],
      ["walk_in", null],
    ]);
    expect(log.rows[2]).toMatchObject({ name: '=HYPERLINK("x")', phone: "+84987000222" });

    const audits = await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, manager));
    expect(audits.map((a) => a.action).sort()).toEqual(["checkpoint.export", "checkpoint.visitors"]);
    const exported = audits.find((a) => a.action === "checkpoint.export")!;
    expect(exported.subjectUserIds?.sort()).toEqual([v1, v2].sort());
    expect(exported.detail).toEqual({ from: "2021-08-01", to: "2021-08-01", rows: 3 });
  });
});

describe("the export files", () => {
  it("writes CSV with a BOM, quoted cells, national phones and formulas defused; XLSX as a zip", async () => {
    const labels: ExportLabels = {
      columns: ["place", "in", "out", "ended", "name", "phone", "who", "how"],
      ended: (h) => h ?? "inside",
      who: (w) => w,
      method: (m) => m,
    };
    const visit = {
      id: 1,
      checkpointId: 1,
      userId: null,
      personId: null,
      visitorKey: "w:+84987000222",
      visitorName: '=HYPERLINK("x")',
      visitorPhone: "+84987000222",
      method: "staff_manual" as const,
      checkedInBy: 2,
      checkedInAt: at(0),
      autoCheckoutAt: at(60),
      checkedOutAt: null,
      endedHow: null,
    };
    const table = visitTable(
      {
        checkpoint: {} as never,
        names: new Map([[1, "Chợ, cổng A"]]),
        rows: [
          { visit, name: visit.visitorName, phone: visit.visitorPhone, who: "walk_in", subjectUserId: null },
        ],
        from: "2021-08-01",
        to: "2021-08-01",
      },
      labels,
      TZ,
    );
    expect(table[1]).toEqual([
      "Chợ, cổng A",
      "01/08/2021 08:00",
      "",
      "inside",
      '=HYPERLINK("x")',
      "0987 000 222",
      "walk_in",
      "staff_manual",
    ]);
    const csv = toCsv(table).toString("utf8");
    expect(csv.startsWith("\uFEFFplace,in,")).toBe(true);
    expect(csv).toContain('"Chợ, cổng A",01/08/2021 08:00,,inside,"\'=HYPERLINK(""x"")",0987 000 222');
    const xlsx = await toXlsx(table, "Chợ: cổng A");
    expect(xlsx.subarray(0, 2).toString()).toBe("PK");
  });
});
