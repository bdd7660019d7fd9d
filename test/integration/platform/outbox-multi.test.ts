import { count, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue } from "../../../bot/platform/outbox/enqueue.js";
import { advisoryLock, senderLockKey } from "../../../bot/platform/outbox/lock.js";
import { createOutboxSender } from "../../../bot/platform/outbox/sender.js";
import type { Database } from "../../../db/client.js";
import { outbox } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { until } from "../../support/until.js";
import { fakeTransport, testLock, textMessage } from "./outbox-support.js";

let fresh: FreshDatabase;
let database: Database;
const onPostgres = Boolean(process.env.DATABASE_URL);

beforeAll(async () => {
  fresh = await freshDatabase();
  database = await fresh.open();
});
afterAll(async () => {
  await database.close();
  await fresh.drop();
});

async function waitUntilDrained(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await database.db
      .select({ n: count() })
      .from(outbox)
      .where(inArray(outbox.status, ["pending", "sending"]));
    if (row?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox not drained: ${row?.n} left`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function instance() {
  const fake = fakeTransport(() => new Date());
  const sender = createOutboxSender({
    db: database.db,
    channel: "telegram",
    transport: fake.transport,
    lock: testLock(fresh),
    ratePerSecond: 1000,
    idlePollMs: 20,
    lockRetryMs: 50,
    markEveryMs: 20,
  });
  return { fake, sender };
}

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => textMessage(String(from + i), `multi:${from + i}`));

describe.skipIf(!onPostgres)("several instances on one PostgreSQL", () => {
  it("lets one session hold the advisory lock of a bot at a time", async () => {
    const url = fresh.env.DATABASE_URL!;
    const key = senderLockKey("telegram", "42:SECRET");
    expect(senderLockKey("telegram", "42:OTHER")).not.toBe(key);
    const a = advisoryLock(url, key);
    const b = advisoryLock(url, key);
    expect(await a.acquire()).toBe(true);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.check()).toBe(true);
    await a.release();
    expect(await a.check()).toBe(false);
    expect(await b.acquire()).toBe(true);
    await b.release();
  });

  it("two senders: one holds the lock, every message goes exactly once; the other takes over", async () => {
    const instances = [instance(), instance()];
    await enqueue(database.db, batch(1000, 300));
    for (const { sender } of instances) sender.start();
    await waitUntilDrained();
    const leaders = instances.filter(({ sender }) => sender.isLeader());
    expect(leaders).toHaveLength(1);
    const leader = leaders[0]!;
    const standby = instances.find((i) => i !== leader)!;
    expect(standby.fake.sends).toHaveLength(0);
    const first = leader.fake.ok().map((s) => s.dedupeKey);
    expect(new Set(first).size).toBe(300);
    expect(first).toHaveLength(300);

    // The holder stops (a deploy, a crash that closes its connection): the standby takes the lock over.
    await leader.sender.stop();
    await enqueue(database.db, batch(5000, 100));
    await waitUntilDrained();
    expect(standby.sender.isLeader()).toBe(true);
    expect(standby.fake.ok()).toHaveLength(100);
    expect(leader.fake.ok()).toHaveLength(300);
    await standby.sender.stop();
  });

  it("notices that its lock session died and lets an instance take over, still sending each message once", async () => {
    const instances = [instance(), instance()];
    instances[0]!.sender.start();
    await until(() => instances[0]!.sender.isLeader(), "the first sender to lead");
    instances[1]!.sender.start();
    // The database drops the lock sessions (a failover, an idle-session killer, a network cut).
    await database.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'health-bot-outbox-lock' and datname = current_database()`);
    await until(() => !instances[0]!.sender.isLeader() || instances[1]!.sender.isLeader(), "a new leader");
    await enqueue(database.db, batch(8000, 200));
    await waitUntilDrained();
    expect(instances.filter(({ sender }) => sender.isLeader())).toHaveLength(1);
    const keys = instances.flatMap(({ fake }) => fake.ok().map((s) => s.dedupeKey));
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
    for (const { sender } of instances) await sender.stop();
  });
});
