import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "../../../bot/features/monitoring/groups.js";
import { joinGroup } from "../../../bot/features/monitoring/members.js";
import { listJobs, runJobByHand } from "../../../bot/jobs.js";
import { loadConfig } from "../../../bot/platform/config.js";
import { findOrCreateUser, setUserPhone } from "../../../bot/shared/users.js";
import type { Database } from "../../../db/client.js";
import { i18n } from "../../support/context.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { makeFacilityManager, queued, TZ } from "../monitoring/support.js";

let fresh: FreshDatabase;
let database: Database;
const morning = new Date("2021-08-02T07:30:00+07:00");

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
  const user = async (id: string, phone: string) => {
    const u = await findOrCreateUser(database.db, { channel: "telegram", externalId: id, chatId: id });
    await setUserPhone(database.db, u.id, phone, morning);
    return u;
  };
  const manager = await user("9501", "+84912500000");
  await makeFacilityManager(database.db, manager.id);
  const group = await createGroup(
    database.db,
    manager.id,
    {
      kind: "home",
      name: "Cách ly tại nhà",
      communeCode: null,
      place: "Phường 1",
      startsOn: "2021-08-01",
      endsOn: "2021-08-10",
      windows: [{ from: 420, to: 600 }],
    },
    morning,
  );
  const member = await user("9502", "+84912500001");
  await joinGroup(database.db, {
    group,
    userId: member.id,
    personId: null,
    name: "An",
    now: morning,
    timeZone: TZ,
  });
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

const deps = () => ({
  config: loadConfig({ DATA_DIR: fresh.env.DATA_DIR, TERMINAL_CHAT: "off" }),
  db: database.db,
  i18n,
  logger: pino({ level: "silent" }),
  clock: () => morning,
});

describe("npm run job", () => {
  it("lists every scheduled job with its cron expression", () => {
    expect([...listJobs(deps()).keys()]).toEqual([
      "housekeeping",
      "auto-checkout",
      "visit-partitions",
      "monitoring-reminders",
      "monitoring-digest",
      "monitoring-releases",
      "safety-reminders",
      "retention",
    ]);
  });

  it("shows in a dry run what a reminder tick would send, and changes nothing", async () => {
    const dry = await runJobByHand(deps(), "monitoring-reminders", { at: morning, dryRun: true });
    expect(dry.summary).toMatchObject({ checked: 1, first: 1, second: 0 });
    expect(dry.queued.map((q) => q.channel)).toEqual(["telegram"]);
    expect(await queued(database.db, "reminder:")).toHaveLength(0);

    const real = await runJobByHand(deps(), "monitoring-reminders", { at: morning });
    expect(real.summary).toMatchObject({ first: 1 });
    expect(await queued(database.db, "reminder:")).toHaveLength(1);
    const again = await runJobByHand(deps(), "monitoring-reminders", { at: morning, dryRun: true });
    expect(again).toMatchObject({ summary: { first: 0 }, queued: [] });
  });

  it("refuses an unknown job", async () => {
    await expect(runJobByHand(deps(), "nope", { at: morning })).rejects.toThrow(/no job named/);
  });
});
