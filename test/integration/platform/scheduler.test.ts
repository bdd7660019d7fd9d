import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler, purgeJobRuns, type Slot, slotKey } from "../../../bot/platform/scheduler.js";
import type { Database } from "../../../db/client.js";
import { jobRuns } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";

let fresh: FreshDatabase;
let database: Database;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const clock = () => new Date("2021-08-01T01:00:30Z");
const scheduler = () => createScheduler({ db: database.db, timeZone: "Asia/Ho_Chi_Minh", clock });

describe("scheduler", () => {
  it("runs a slot once however many instances fire it", async () => {
    const runs: Slot[] = [];
    const a = scheduler();
    const b = scheduler();
    for (const s of [a, b]) s.every("digest", "0 8 * * *", async (slot) => void runs.push(slot));
    const at = new Date("2021-08-01T01:00:00.250Z");
    const fired = await Promise.all([a.runNow("digest", at), b.runNow("digest", at), a.runNow("digest", at)]);
    expect(fired.filter(Boolean)).toHaveLength(1);
    expect(runs).toEqual([
      { name: "digest", key: "2021-08-01T01:00:00Z", at: new Date("2021-08-01T01:00:00Z") },
    ]);
    expect(await b.runNow("digest", new Date("2021-08-02T01:00:00Z"))).toBe(true);
    expect(runs.map((r) => r.key)).toEqual(["2021-08-01T01:00:00Z", "2021-08-02T01:00:00Z"]);
    // The cron expression is read in the configured zone: 08:00 in Hanoi is 01:00 UTC.
    const next = a.nextRun("digest");
    expect(next?.getUTCHours()).toBe(1);
    expect(next?.getUTCMinutes()).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("records a failed run and does not run that slot again", async () => {
    const s = scheduler();
    let calls = 0;
    s.every("broken", "*/5 * * * *", async () => {
      calls += 1;
      throw new Error("boom");
    });
    const at = new Date("2021-08-01T02:05:00Z");
    await expect(s.runNow("broken", at)).rejects.toThrow("boom");
    expect(await s.runNow("broken", at)).toBe(false);
    expect(calls).toBe(1);
    const rows = await database.db.select().from(jobRuns).orderBy(asc(jobRuns.slotKey));
    expect(rows.find((r) => r.name === "broken")).toMatchObject({
      slotKey: slotKey(at),
      claimedAt: clock(),
      finishedAt: clock(),
      error: expect.stringMatching(/boom/),
    });
    await s.stop();
  });

  it("refuses a bad expression or a name used twice", () => {
    const s = scheduler();
    expect(() => s.every("x", "every day", async () => {})).toThrow(/cron/);
    s.every("y", "* * * * *", async () => {});
    expect(() => s.every("y", "* * * * *", async () => {})).toThrow(/already/);
    return s.stop();
  });

  it("claims real cron ticks once across two schedulers", async () => {
    const keys: string[] = [];
    const a = scheduler();
    const b = scheduler();
    for (const s of [a, b]) s.every("every-second", "* * * * * *", async (slot) => void keys.push(slot.key));
    const deadline = Date.now() + 10_000;
    while (new Set(keys).size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([a.stop(), b.stop()]);
    expect(new Set(keys).size).toBeGreaterThanOrEqual(2);
    expect(keys).toHaveLength(new Set(keys).size);
    for (const key of keys) expect(key).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await purgeJobRuns(database.db, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(2);
  });
});
