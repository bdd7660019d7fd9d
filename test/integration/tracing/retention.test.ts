import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../../bot/features/checkpoint/checkpoints.js";
import { runRetention, scheduleRetention } from "../../../bot/features/retention/index.js";
import { createScheduler } from "../../../bot/platform/scheduler.js";
import type { Database } from "../../../db/client.js";
import {
  declarationDrafts,
  declarations,
  monitoringGroups,
  monitoringMembers,
  people,
  processedUpdates,
  traceContacts,
  traces,
  visitDisputes,
  visits,
} from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { account } from "../../support/tracing-town.js";

let fresh: FreshDatabase;
let database: Database;
const now = new Date("2021-09-01T20:15:00Z"); // 03:15 on 2 September in Hanoi
const DAY = 86_400_000;
const ago = (days: number, extraMs = 0) => new Date(now.getTime() - days * DAY + extraMs);

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  const db = database.db;
  const manager = await account(db, "1", "+84913000001", ago(40));
  // Declarations: one person's chain (60 days ago, expired 53 days ago; 24 days ago, replaced 20 days ago;
  // the last expired 13 days ago) and another's single one that expired 30 days ago. Drafts: last touched 8 and 6 days ago.
  const [p1, p2] = await db
    .insert(people)
    .values([
      { userId: manager, kind: "self", subjectId: "s1", fullName: "A" },
      { userId: manager, kind: "dependent", subjectId: "s2", fullName: "B" },
    ])
    .returning();
  const decl = (personId: number, declaredDaysAgo: number, validDaysAgo: number) => ({
    personId,
    userId: manager,
    formVersion: 1,
    answers: {},
    status: "green" as const,
    declaredAt: ago(declaredDaysAgo),
    validUntil: ago(validDaysAgo),
  });
  await db
    .insert(declarations)
    .values([decl(p1!.id, 60, 53), decl(p1!.id, 24, 17), decl(p1!.id, 20, 13), decl(p2!.id, 37, 30)]);
  await db.insert(declarationDrafts).values([
    { userId: manager, subject: "self", state: {}, updatedAt: ago(8) },
    { userId: manager, subject: `p${p2!.id}`, state: {}, updatedAt: ago(6) },
  ]);
  const cp = await createCheckpoint(
    db,
    manager,
    {
      name: "Shop",
      phone: null,
      provinceCode: "01",
      communeCode: "00004",
      address: "x",
      kind: "shop",
      stayMinutes: 60,
      parentId: null,
    },
    ago(40),
  );
  // Visits: two a minute either side of 21 days, one well past, one recent.
  const visitAt = [ago(21, -60_000), ago(21, 60_000), ago(30), ago(1)];
  await db.insert(visits).values(
    visitAt.map((at, i) => ({
      checkpointId: cp.id,
      visitorKey: `w:+8491300000${i}`,
      method: "staff_manual" as const,
      checkedInAt: at,
      autoCheckoutAt: new Date(at.getTime() + 3600_000),
      checkedOutAt: new Date(at.getTime() + 600_000),
      endedHow: "manual" as const,
    })),
  );
  // Refused check-ins by phone: of visits made 22 days and 1 day ago (refused the same day).
  await db.insert(visitDisputes).values(
    [22, 1].map((days, i) => ({
      checkpointId: cp.id,
      visitId: 9000 + i,
      staffUserId: manager,
      checkedInAt: ago(days),
      disputedAt: ago(days, 600_000),
    })),
  );
  // Monitoring: groups closed 15 and 13 days ago; in an open group, members ended 20 and 3 days ago.
  const group = (name: string, closedAt: Date | null) => ({
    kind: "home" as const,
    name,
    place: "x",
    startsOn: "2021-08-01",
    endsOn: "2021-08-15",
    windows: [{ from: 420, to: 600 }],
    closedAt,
  });
  const [, , open] = await db
    .insert(monitoringGroups)
    .values([group("old", ago(15)), group("recent", ago(13)), group("open", null)])
    .returning();
  const member = (closedAt: Date | null) => ({
    groupId: open!.id,
    phone: null,
    name: "m",
    startsOn: "2021-08-01",
    endsOn: "2021-08-15",
    status: closedAt ? ("released" as const) : ("active" as const),
    source: "list" as const,
    closedAt,
  });
  await db.insert(monitoringMembers).values([member(ago(20)), member(ago(3)), member(null)]);
  // Processed updates: 8 days and 6 days old. Traces: 22 and 2 days old, each with a contact.
  await db.insert(processedUpdates).values([
    { channel: "telegram", updateId: "1", processedAt: ago(8) },
    { channel: "telegram", updateId: "2", processedAt: ago(6) },
  ]);
  for (const days of [22, 2]) {
    const [t] = await db
      .insert(traces)
      .values({
        caseKeys: ["u:1"],
        caseName: "x",
        scopeType: "global",
        periodFrom: ago(days + 14),
        periodTo: ago(days),
        bufferMinutes: 15,
        createdAt: ago(days),
      })
      .returning();
    await db.insert(traceContacts).values({
      traceId: t!.id,
      degree: 1,
      visitorKey: "w:+84913000009",
      exposedAt: ago(days + 1),
      exposureEnd: ago(days + 1),
      overlapMinutes: 5,
      exposures: 1,
    });
  }
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

describe("the retention job", () => {
  it("removes exactly what is past its age, through the scheduler, and logs it", async () => {
    const db = database.db;
    const logged: object[] = [];
    const scheduler = createScheduler({ db, timeZone: "Asia/Ho_Chi_Minh", clock: () => now });
    scheduleRetention(scheduler, { db, logger: { info: (o) => logged.push(o) } });
    expect(await scheduler.runNow("retention", now)).toBe(true);
    await scheduler.stop();
    const removed = {
      visits: 2,
      monitoringGroups: 1,
      monitoringMembers: 1,
      traces: 1,
      processedUpdates: 1,
      declarations: 2,
      drafts: 1,
    };
    expect(logged).toMatchObject([{ job: "retention", removed }]);
    expect((await db.select().from(visits)).map((v) => v.checkedInAt.getTime()).sort()).toEqual(
      [ago(21, 60_000), ago(1)].map((d) => d.getTime()).sort(),
    );
    expect((await db.select().from(visitDisputes)).map((d) => d.visitId)).toEqual([9001]);
    expect((await db.select().from(monitoringGroups)).map((g) => g.name).sort()).toEqual(["open", "recent"]);
    expect(await db.select().from(monitoringMembers)).toHaveLength(2);
    expect((await db.select().from(processedUpdates)).map((u) => u.updateId)).toEqual(["2"]);
    expect(await db.select().from(traces)).toHaveLength(1);
    expect(await db.select().from(traceContacts)).toHaveLength(1);
    // The first of the chain expired 53 days ago, the single one 30 days ago: both gone.
    const left = await db.select().from(declarations);
    expect(left.map((d) => d.declaredAt.getTime()).sort()).toEqual(
      [ago(24), ago(20)].map((d) => d.getTime()).sort(),
    );
    expect((await db.select().from(declarationDrafts)).map((d) => d.updatedAt)).toEqual([ago(6)]);
  });

  it("takes its ages as parameters, and a second run removes nothing more", async () => {
    const db = database.db;
    expect(await runRetention(db, now)).toEqual({
      visits: 0,
      monitoringGroups: 0,
      monitoringMembers: 0,
      traces: 0,
      processedUpdates: 0,
      declarations: 0,
      drafts: 0,
    });
    const shorter = await runRetention(db, now, {
      visitDays: 7,
      monitoringDays: 2,
      processedUpdateDays: 1,
      traceDays: 1,
      declarationDays: 10,
      draftDays: 1,
    });
    expect(shorter).toEqual({
      visits: 1,
      monitoringGroups: 1,
      monitoringMembers: 1,
      traces: 1,
      processedUpdates: 1,
      declarations: 2,
      drafts: 1,
    });
  });
});
