import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "../../../bot/features/monitoring/groups.js";
import { joinGroup } from "../../../bot/features/monitoring/members.js";
import { auditStatsView, computeStats } from "../../../bot/features/tracing/stats.js";
import { officerScope } from "../../../bot/shared/officer-scope.js";
import { grantRole } from "../../../bot/shared/roles.js";
import type { Database } from "../../../db/client.js";
import { auditLog, dailyReports } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { account, buildTown, declareFor, type Town } from "../../support/tracing-town.js";
import { COMMUNE_HERE, COMMUNE_THERE } from "../../support/tracing-world.js";

let fresh: FreshDatabase;
let database: Database;
let town: Town;
const firstDay = new Date("2021-08-01T17:00:00Z"); // 00:00 on 2 August in Hanoi
const now = new Date("2021-08-06T05:00:00Z"); // 12:00 on 6 August
const tz = "Asia/Ho_Chi_Minh";
const DAY = 86_400_000;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  const db = database.db;
  town = await buildTown(db, { seed: 28, firstDay, days: 4, now });
  const r = (who: number) => town.residents[who]!;
  await declareFor(db, r(3).userId!, new Date(firstDay.getTime() + DAY + 3600_000), {
    ...r(3),
    symptoms: ["cough"],
  });
  await declareFor(db, r(4).userId!, new Date(firstDay.getTime() + 2 * DAY), { ...r(4), exposed: true });
  await declareFor(db, r(5).userId!, new Date(firstDay.getTime() + 2 * DAY), {
    ...r(5),
    symptoms: ["fever"],
  });
  // A lockdown area of the commune with three people followed today, two of whom reported.
  const area = await createGroup(
    db,
    town.officerId,
    {
      kind: "lockdown",
      name: "Tổ dân phố 3",
      communeCode: COMMUNE_HERE,
      place: "Tổ 3",
      startsOn: "2021-08-05",
      endsOn: "2021-08-19",
      windows: [{ from: 420, to: 600 }],
    },
    now,
  );
  for (const who of [1, 2, 3]) {
    const { member } = await joinGroup(db, {
      group: area,
      userId: r(who).userId!,
      personId: null,
      name: r(who).name,
      now,
      timeZone: tz,
    });
    if (who !== 3)
      await db.insert(dailyReports).values({
        memberId: member.id,
        localDate: "2021-08-06",
        window: 0,
        reportedAt: now,
        healthy: true,
        alert: false,
      });
  }
  // A facility with no commune, following someone of the other commune only: not this officer's.
  const manager = await account(db, "800010", "+84913008010", now);
  await grantRole(db, {
    userId: manager,
    role: "facility_manager",
    scope: { type: "commune", id: COMMUNE_THERE },
  });
  const facility = await createGroup(
    db,
    manager,
    {
      kind: "facility",
      name: "Khu cách ly KTX",
      communeCode: null,
      place: "KTX",
      startsOn: "2021-08-01",
      endsOn: "2021-08-20",
      windows: [{ from: 420, to: 600 }],
    },
    now,
  );
  await joinGroup(db, {
    group: facility,
    userId: r(5).userId!,
    personId: null,
    name: r(5).name,
    now,
    timeZone: tz,
  });
});
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

describe("statistics for an officer's scope", () => {
  it("count declarations by day and status, check-ins and busiest places inside the commune", async () => {
    const officer = (await officerScope(database.db, town.officerId))!;
    const s = await computeStats(database.db, { officer, days: 7, now, timeZone: tz });
    expect(s.days).toEqual([
      "2021-07-31",
      "2021-08-01",
      "2021-08-02",
      "2021-08-03",
      "2021-08-04",
      "2021-08-05",
      "2021-08-06",
    ]);
    // Eleven first declarations here (resident 5 lives there), then one red and one yellow here.
    expect(s.declarations.find((d) => d.day === "2021-08-02")).toEqual({
      day: "2021-08-02",
      green: 10,
      yellow: 0,
      red: 0,
    });
    expect(s.totals).toEqual({ declarations: 12, green: 10, yellow: 1, red: 1 });
    const here = town.oracleVisits.filter((v) => town.inScope(v.checkpointId));
    expect(s.checkinTotal).toBe(here.length);
    const perPlace = new Map<number, number>();
    for (const v of here) perPlace.set(v.checkpointId, (perPlace.get(v.checkpointId) ?? 0) + 1);
    expect(s.busiest[0]!.n).toBe(Math.max(...perPlace.values()));
    expect(s.busiest.some((b) => b.name === "Far shop")).toBe(false);
    expect(s.busiest.find((b) => b.checkpointId === town.places.get("Market hall A")!.id)?.name).toBe(
      "Market › Market hall A",
    );
  });

  it("give today's reporting per group in scope and the people followed", async () => {
    const officer = (await officerScope(database.db, town.officerId))!;
    const s = await computeStats(database.db, { officer, days: 7, now, timeZone: tz });
    expect(s.groups.map((g) => [g.name, g.reported, g.active])).toEqual([["Tổ dân phố 3", 2, 3]]);
    expect([s.quarantined, s.lockedDown]).toEqual([0, 3]);
    const other = (await officerScope(database.db, town.otherOfficerId))!;
    const there = await computeStats(database.db, { officer: other, days: 7, now, timeZone: tz });
    expect(there.groups.map((g) => g.name)).toEqual(["Khu cách ly KTX"]);
    expect(there.totals).toEqual({ declarations: 2, green: 1, yellow: 0, red: 1 });
    expect(there.checkinTotal).toBe(town.oracleVisits.filter((v) => !town.inScope(v.checkpointId)).length);
  });

  it("write an audit row for each view", async () => {
    const officer = (await officerScope(database.db, town.officerId))!;
    await auditStatsView(database.db, { officer, days: 7, now });
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.action, "stats.view"));
    expect(rows).toMatchObject([
      { actorUserId: town.officerId, scopeType: "commune", scopeId: COMMUNE_HERE },
    ]);
  });
});
