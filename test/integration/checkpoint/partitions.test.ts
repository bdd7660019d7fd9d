import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, type NewCheckpoint } from "../../../bot/features/checkpoint/checkpoints.js";
import { refuseStaffVisit } from "../../../bot/features/checkpoint/disputes.js";
import {
  DEFAULT_PARTITION,
  ensureVisitPartitions,
  visitPartitions,
} from "../../../bot/features/checkpoint/partitions.js";
import {
  scheduleVisitPartitions,
  VISIT_PARTITIONS_JOB,
} from "../../../bot/features/checkpoint/partitions-job.js";
import { eraseVisits } from "../../../bot/features/checkpoint/personal-data.js";
import {
  checkIn,
  checkOut,
  runAutoCheckout,
  userVisitor,
  type Visitor,
  walkInVisitor,
} from "../../../bot/features/checkpoint/visits.js";
import { runRetention } from "../../../bot/features/retention/index.js";
import type { JobRun, Scheduler } from "../../../bot/platform/scheduler.js";
import { setUserPhone } from "../../../bot/shared/users.js";
import type { Database, Db } from "../../../db/client.js";
import { rawRows } from "../../../db/raw.js";
import { openVisits, users, visits } from "../../../db/schema/index.js";
import { startTestBot } from "../../support/bot-harness.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { until } from "../../support/until.js";

/**
 * visits partitioned by local day (migration 0006): the partitions made ahead, a check-in in its day's, the
 * default partition for the rest, retention dropping whole days and counting them, and open_visits keeping
 * one open visit per visitor — in step with visits whatever opens or ends them, and when check-ins race.
 */

const TZ = "Asia/Ho_Chi_Minh";
const onPostgres = Boolean(process.env.DATABASE_URL);
let fresh: FreshDatabase;
let database: Database;
let db: Db;
let phoneSeq = 2000;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  db = database.db;
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

async function person(): Promise<number> {
  const [u] = await db.insert(users).values({}).returning();
  await setUserPhone(db, u!.id, `+8491300${String(++phoneSeq).padStart(4, "0")}`, new Date());
  return u!.id;
}

const place = (name: string, stayMinutes = 60): NewCheckpoint => ({
  name,
  phone: null,
  provinceCode: "01",
  communeCode: null,
  address: "1 Tràng Tiền, Hà Nội",
  kind: "shop",
  stayMinutes,
  parentId: null,
});

const visitIn = (cp: { id: number; stayMinutes: number }, visitor: Visitor, now: Date, d: Db = db) =>
  checkIn(d, { checkpoint: cp, visitor, method: "link", now, cap: null, timeZone: TZ });

async function partitionOf(visitId: number): Promise<string> {
  const [row] = await rawRows(
    db,
    sql`select tableoid::regclass::text as part from visits where id = ${visitId}`,
  );
  return String(row?.part);
}

/** open_visits holds exactly the open visits, with their checkpoint, times and owner. */
async function expectInStep(): Promise<void> {
  const open = await db
    .select({
      visitorKey: visits.visitorKey,
      visitId: visits.id,
      checkpointId: visits.checkpointId,
      userId: visits.userId,
      personId: visits.personId,
      checkedInAt: visits.checkedInAt,
      autoCheckoutAt: visits.autoCheckoutAt,
    })
    .from(visits)
    .where(sql`${visits.checkedOutAt} is null`);
  const rows = await db.select().from(openVisits);
  const byKey = (a: { visitorKey: string }, b: { visitorKey: string }) =>
    a.visitorKey.localeCompare(b.visitorKey);
  expect(rows.sort(byKey)).toEqual(open.sort(byKey));
}

const checkedIn = (o: Awaited<ReturnType<typeof visitIn>>) => {
  if (o.kind !== "checked_in") throw new Error(`not checked in: ${o.kind}`);
  return o.visit;
};

describe("day partitions", () => {
  it("are made for today and the next three local days, once, and a check-in goes to its day's", async () => {
    const now = new Date("2021-08-01T01:00:00Z"); // 08:00 on 1 August in Hanoi
    const made = await ensureVisitPartitions(db, now, TZ);
    expect(made).toEqual({
      created: ["visits_20210801", "visits_20210802", "visits_20210803", "visits_20210804"],
      skipped: [],
    });
    expect(await ensureVisitPartitions(db, now, TZ)).toEqual({ created: [], skipped: [] });
    const first = (await visitPartitions(db)).find((p) => p.name === "visits_20210801")!;
    // Local days: from 00:00 in Hanoi, 17:00 UTC the day before.
    expect(first).toMatchObject({
      from: new Date("2021-07-31T17:00:00Z"),
      to: new Date("2021-08-01T17:00:00Z"),
      isDefault: false,
    });

    const cp = await createCheckpoint(db, await person(), place("Chợ"), now);
    const a = checkedIn(await visitIn(cp, userVisitor(await person()), now));
    expect(await partitionOf(a.id)).toBe("visits_20210801");
    // 00:30 on 2 August in Hanoi is still 1 August in UTC: the local day decides.
    const b = checkedIn(await visitIn(cp, userVisitor(await person()), new Date("2021-08-01T17:30:00Z")));
    expect(await partitionOf(b.id)).toBe("visits_20210802");
    // No partition made that far ahead: the default partition takes it, the check-in is not refused.
    const later = new Date("2021-08-20T03:00:00Z");
    const c = checkedIn(await visitIn(cp, userVisitor(await person()), later));
    expect(await partitionOf(c.id)).toBe(DEFAULT_PARTITION);

    // That day's rows are in the default partition already: it is left there; the days after are made.
    expect(await ensureVisitPartitions(db, later, TZ)).toEqual({
      created: ["visits_20210821", "visits_20210822", "visits_20210823"],
      skipped: ["visits_20210820"],
    });
    expect(await partitionOf(c.id)).toBe(DEFAULT_PARTITION);
    await expectInStep();
  });

  it("are made when the bot starts, and by an hourly job", async () => {
    const bot = await startTestBot({ clock: () => new Date("2022-03-10T05:00:00Z") });
    try {
      const names = (await visitPartitions(bot.app.database.db)).map((p) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(["visits_20220310", "visits_20220313", DEFAULT_PARTITION]),
      );
    } finally {
      await bot.stop();
    }
    // The job, as the scheduler would run it at a tick.
    const jobs = new Map<string, JobRun>();
    const collector: Scheduler = {
      every: (name, _cron, run) => void jobs.set(name, run),
      runNow: async () => false,
      nextRun: () => null,
      stop: async () => {},
    };
    scheduleVisitPartitions(collector, { db, timeZone: TZ });
    const at = new Date("2022-05-01T10:07:00Z");
    const run = jobs.get(VISIT_PARTITIONS_JOB)!;
    expect(await run({ name: VISIT_PARTITIONS_JOB, key: "k", at })).toEqual({
      created: "visits_20220501 visits_20220502 visits_20220503 visits_20220504",
      skipped: "",
    });
    expect(await run({ name: VISIT_PARTITIONS_JOB, key: "k2", at })).toEqual({ created: "", skipped: "" });
  });
});

describe("open visits", () => {
  it("follow every check-in, check-out and automatic check-out", async () => {
    const now = new Date("2021-08-02T02:00:00Z");
    const owner = await person();
    const a = await createCheckpoint(db, owner, place("A", 60), now);
    const b = await createCheckpoint(db, owner, place("B", 60), now);
    const me = await person();
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    const first = checkedIn(await visitIn(a, userVisitor(me), at(0)));
    await expectInStep();
    expect((await visitIn(a, userVisitor(me), at(5))).kind).toBe("already");
    const second = await visitIn(b, userVisitor(me), at(10));
    expect(second).toMatchObject({ kind: "checked_in", closed: { visitId: first.id, how: "superseded" } });
    await expectInStep();
    expect(await checkOut(db, me, checkedIn(second).id, at(20))).toMatchObject({ kind: "done" });
    await expectInStep();
    // A walk-in left to the stay's end, then the next check-in after the stay ran out.
    await runAutoCheckout(db, at(25)); // the visits earlier tests left open
    const walkIn = walkInVisitor("Bà Tư", "+84987000001");
    checkedIn(await visitIn(a, walkIn, at(30)));
    expect(await runAutoCheckout(db, at(89))).toBe(0);
    expect(await runAutoCheckout(db, at(91))).toBe(1);
    await expectInStep();
    const other = walkInVisitor("Ông Năm", "+84987000002");
    const kept = checkedIn(await visitIn(a, other, at(100)));
    const next = await visitIn(b, other, at(200));
    expect(next).toMatchObject({ kind: "checked_in", closed: { visitId: kept.id, how: "automatic" } });
    await expectInStep();
  });

  it("follow a refused staff check-in (the visit it ended is open again) and an erasure", async () => {
    const now = new Date("2021-08-02T06:00:00Z");
    const owner = await person();
    const a = await createCheckpoint(db, owner, place("Nhà sách", 240), now);
    const b = await createCheckpoint(db, owner, place("Bưu điện", 240), now);
    const me = await person();
    const own = checkedIn(await visitIn(a, userVisitor(me), now));
    const byStaff = checkedIn(
      await checkIn(db, {
        checkpoint: b,
        visitor: userVisitor(me),
        method: "staff_manual",
        by: owner,
        now: new Date(now.getTime() + 600_000),
        cap: null,
        timeZone: TZ,
      }),
    );
    await expectInStep();
    const refused = await refuseStaffVisit(db, {
      userId: me,
      visitId: byStaff.id,
      now: new Date(now.getTime() + 900_000),
    });
    expect(refused).toMatchObject({ kind: "removed", reopened: true });
    const [open] = await db
      .select()
      .from(openVisits)
      .where(eq(openVisits.visitorKey, userVisitor(me).key));
    expect(open?.visitId).toBe(own.id);
    await expectInStep();
    expect(await eraseVisits(db, { userId: me, personIds: [], phone: null })).toBe(1);
    expect(
      await db
        .select()
        .from(openVisits)
        .where(eq(openVisits.visitorKey, userVisitor(me).key)),
    ).toEqual([]);
    await expectInStep();
  });

  it("stay one per visitor when two check-ins of the same person race", async () => {
    const now = new Date("2021-08-03T03:00:00Z");
    const owner = await person();
    const places = await Promise.all(["X", "Y", "Z"].map((n) => createCheckpoint(db, owner, place(n), now)));
    const race = (visitor: Visitor, m: number) =>
      Promise.allSettled(
        places
          .slice(0, 2)
          .map((cp, i) =>
            db.transaction((tx) => visitIn(cp, visitor, new Date(now.getTime() + (m * 10 + i) * 1000), tx)),
          ),
      );
    for (let round = 0; round < 5; round++) {
      const visitor = userVisitor(await person());
      // With no open visit yet, and again with one open (at Z) that both want to end.
      if (round % 2 === 1) checkedIn(await visitIn(places[2]!, visitor, now));
      const outcomes = await race(visitor, round);
      expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
      for (const o of outcomes)
        if (o.status === "rejected") expect(JSON.stringify(o.reason, errorProps)).toMatch(/open_visits_pkey/);
      const open = await db.select().from(openVisits).where(eq(openVisits.visitorKey, visitor.key));
      expect(open).toHaveLength(1);
      await expectInStep();
    }
  });

  it.runIf(onPostgres)(
    "refuse the second of two first check-ins that both found no open visit (PostgreSQL, two connections)",
    async () => {
      const now = new Date("2021-08-03T05:00:00Z");
      const owner = await person();
      const [x, y] = await Promise.all(["P", "Q"].map((n) => createCheckpoint(db, owner, place(n), now)));
      const visitor = userVisitor(await person());
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let firstDone = () => {};
      const firstIn = new Promise<void>((r) => {
        firstDone = r;
      });
      // The first checks in and holds its transaction open; the second finds no open visit (the first's is
      // not committed), inserts, and waits on the first's open_visits row; the first commits.
      const first = db.transaction(async (tx) => {
        const out = await visitIn(x!, visitor, now, tx);
        firstDone();
        await held;
        return out;
      });
      await firstIn;
      const second = db
        .transaction((tx) => visitIn(y!, visitor, new Date(now.getTime() + 1000), tx))
        .then(
          () => null,
          (e: unknown) => e,
        );
      await until(async () => {
        const [w] = await rawRows(db, sql`select count(*)::int as n from pg_locks where not granted`);
        return Number(w?.n) > 0;
      }, "the second check-in to wait on the first");
      release();
      expect((await first).kind).toBe("checked_in");
      expect(JSON.stringify(await second, errorProps)).toMatch(/open_visits_pkey/);
      expect(await db.select().from(visits).where(eq(visits.visitorKey, visitor.key))).toHaveLength(1);
      await expectInStep();
    },
  );
});

/** Own and inherited properties of an error (drizzle wraps the driver's in `cause`), for matching. */
function errorProps(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { message: value.message };
    for (const k of Object.getOwnPropertyNames(value))
      out[k] = (value as unknown as Record<string, unknown>)[k];
    if (value.cause) out.cause = value.cause;
    return out;
  }
  return value;
}

describe("retention by partition", () => {
  it("drops whole days past the retention, deletes the rest row by row, and counts both", async () => {
    const r = await freshDatabase();
    const dbase = await r.open();
    const d = dbase.db;
    try {
      const now = new Date("2021-09-01T20:15:00Z"); // 03:15 on 2 September in Hanoi: keeps from 12 August 03:15
      // A partition as an upgrade leaves: everything checked in before 5 August.
      await d.execute(sql`create table visits_legacy partition of visits
        for values from (minvalue) to ('2021-08-05T00:00:00Z')`);
      await ensureVisitPartitions(d, new Date("2021-08-10T05:00:00Z"), TZ); // 10 to 13 August
      const [u] = await d.insert(users).values({}).returning();
      const cp = await createCheckpoint(d, u!.id, place("Shop"), new Date("2021-07-01T00:00:00Z"));
      const local = (iso: string) => new Date(`${iso}+07:00`);
      const times = {
        legacy: [local("2021-07-20T10:00:00"), local("2021-08-04T09:00:00")],
        defaultOld: [local("2021-08-08T10:00:00")],
        day10: [local("2021-08-10T08:00:00"), local("2021-08-10T20:00:00")],
        day11: [local("2021-08-11T00:00:00"), local("2021-08-11T23:59:59")],
        day12Early: [local("2021-08-12T02:00:00")],
        day12Later: [local("2021-08-12T10:00:00")],
        defaultNew: [local("2021-08-30T10:00:00")],
      };
      let n = 0;
      for (const at of Object.values(times).flat())
        await d.insert(visits).values({
          checkpointId: cp.id,
          visitorKey: `w:+8498700${String(++n).padStart(4, "0")}`,
          method: "staff_manual",
          checkedInAt: at,
          autoCheckoutAt: new Date(at.getTime() + 3_600_000),
          checkedOutAt: new Date(at.getTime() + 600_000),
          endedHow: "manual",
        });
      // One visit of 10 August never closed, as if the automatic check-out had not run: its row goes too.
      const [stuck] = await d
        .update(visits)
        .set({ checkedOutAt: null, endedHow: null })
        .where(eq(visits.checkedInAt, times.day10[0]!))
        .returning();
      await d.insert(openVisits).values({
        visitorKey: stuck!.visitorKey,
        visitId: stuck!.id,
        checkpointId: cp.id,
        checkedInAt: stuck!.checkedInAt,
        autoCheckoutAt: stuck!.autoCheckoutAt,
      });
      const partsBefore = (await visitPartitions(d)).map((p) => p.name);
      expect(partsBefore).toEqual(
        expect.arrayContaining(["visits_legacy", "visits_20210810", "visits_20210811", "visits_20210812"]),
      );

      const summary = await runRetention(d, now);
      const removed = 2 + 1 + 2 + 2 + 1; // legacy, old default row, 10 and 11 August, 12 August before 03:15
      expect(summary.visits).toBe(removed);
      const left = await d.select({ at: visits.checkedInAt }).from(visits).orderBy(visits.checkedInAt);
      expect(left.map((v) => v.at)).toEqual([...times.day12Later, ...times.defaultNew]);
      const partsAfter = (await visitPartitions(d)).map((p) => p.name);
      expect(partsAfter).not.toEqual(expect.arrayContaining(["visits_legacy"]));
      expect(partsAfter).toEqual(["visits_20210812", "visits_20210813", DEFAULT_PARTITION]);
      expect(await d.select().from(openVisits)).toEqual([]);
      // Idempotent: a second run finds nothing more.
      expect((await runRetention(d, now)).visits).toBe(0);
    } finally {
      await dbase.close();
      await r.drop();
    }
  });
});
