import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckpoint, type NewCheckpoint } from "../../../bot/features/checkpoint/checkpoints.js";
import {
  dueReminders,
  type SafetyStatus,
  type SafetyStatusRow,
  safetyStatusOf,
  safetyStatusSql,
  saveAssessment,
  safetyStatus as statusByLineage,
} from "../../../bot/features/safety/assessments.js";
import { type Answers, CHECKLIST } from "../../../bot/features/safety/checklist.js";
import { ForbiddenError } from "../../../bot/shared/roles.js";
import type { Database } from "../../../db/client.js";
import { checkpoints, users } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

let fresh: FreshDatabase;
let database: Database;
const t0 = new Date("2021-08-01T01:00:00Z");
const days = (n: number) => new Date(t0.getTime() + n * 86_400_000);

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const person = async () => (await database.db.insert(users).values({}).returning())[0]!.id;
const place = (name: string, parentId: number | null = null): NewCheckpoint => ({
  name,
  phone: "+84912345678",
  provinceCode: "01",
  communeCode: null,
  address: "1 Tràng Tiền, Hà Nội",
  kind: "market",
  stayMinutes: 60,
  parentId,
});
/**
 * The status read both ways — walking the lineage, and as the one expression the check-in's statement reads
 * (with the checkpoint, see the venue notes) — which must agree.
 */
async function safetyStatus(db: Database["db"], checkpointId: number, now: Date): Promise<SafetyStatus> {
  const walked = await statusByLineage(db, checkpointId, now);
  const [row] = await db
    .select({ s: sql<string | null>`(${safetyStatusSql(checkpoints)})::text` })
    .from(checkpoints)
    .where(eq(checkpoints.id, checkpointId));
  const read = safetyStatusOf(row?.s ? (JSON.parse(row.s) as SafetyStatusRow) : null, now);
  expect(read).toEqual(walked);
  return walked;
}

const all = (answer: "yes" | "no"): Answers =>
  Object.fromEntries(CHECKLIST.items.map((i) => [i.id, { answer }]));

describe("safety assessments", () => {
  it("a part inherits its building's assessment until it has its own; each lapses by itself", async () => {
    const manager = await person();
    const market = await createCheckpoint(database.db, manager, place("Chợ Đồng Xuân"), t0);
    const gate = await createCheckpoint(database.db, manager, place("Cổng B", market.id), t0);
    const hall = await createCheckpoint(database.db, manager, place("Nhà B", market.id), t0);
    const stall = await createCheckpoint(database.db, manager, place("Sạp 12", gate.id), t0);
    expect(await safetyStatus(database.db, gate.id, t0)).toEqual({ kind: "none" });

    const save = (checkpointId: number, answers: Answers, now: Date) =>
      saveAssessment(database.db, { actorUserId: manager, checkpointId, answers, now, validDays: 7 });
    await save(market.id, all("yes"), t0);
    expect(await safetyStatus(database.db, gate.id, t0)).toMatchObject({
      kind: "current",
      rating: "safe",
      score: 100,
      from: market.id,
    });
    // Two levels down, the building's still.
    expect(await safetyStatus(database.db, stall.id, t0)).toMatchObject({ kind: "current", from: market.id });
    await save(hall.id, all("no"), days(1));
    expect(await safetyStatus(database.db, hall.id, days(1))).toMatchObject({
      kind: "current",
      rating: "high",
      score: 0,
      from: hall.id,
    });
    // The building's lapses first; the hall's own still counts for a day.
    expect(await safetyStatus(database.db, gate.id, days(7))).toMatchObject({ kind: "expired" });
    expect(await safetyStatus(database.db, hall.id, days(7))).toMatchObject({ kind: "current" });
    expect(await safetyStatus(database.db, stall.id, days(7))).toMatchObject({
      kind: "expired",
      from: market.id,
    });

    const due = await dueReminders(database.db, days(6.5), 86_400_000);
    expect(due.map((d) => d.checkpointId)).toEqual([market.id]);
    expect(due[0]!.managerUserIds).toEqual([manager]);
  });

  it("refuses someone who does not manage the place, and an incomplete checklist", async () => {
    const manager = await person();
    const stranger = await person();
    const shop = await createCheckpoint(database.db, manager, place("Tạp hóa"), t0);
    await expect(
      saveAssessment(database.db, {
        actorUserId: stranger,
        checkpointId: shop.id,
        answers: all("yes"),
        now: t0,
        validDays: 7,
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { masks: _, ...partial } = all("yes");
    await expect(
      saveAssessment(database.db, {
        actorUserId: manager,
        checkpointId: shop.id,
        answers: partial,
        now: t0,
        validDays: 7,
      }),
    ).rejects.toThrow("not fully answered");
  });
});
