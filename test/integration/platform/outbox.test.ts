import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claim, enqueue, markReachable, purgeOutbox } from "../../../bot/platform/outbox/enqueue.js";
import {
  createOutboxSender,
  type OutboxSenderOptions,
  type TransportResult,
} from "../../../bot/platform/outbox/sender.js";
import type { Database } from "../../../db/client.js";
import { chatReachability, outbox } from "../../../db/schema/index.js";
import { type FreshDatabase, freshDatabase } from "../../support/db.js";
import { fakeTransport, outboxRows, rowByKey, testLock, textMessage, virtualTime } from "./outbox-support.js";

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
beforeEach(async () => {
  await database.db.delete(outbox);
  await database.db.delete(chatReachability);
});

/** Drains the outbox with a scripted fake transport on a virtual clock; returns what was sent and when. */
async function drainWith(
  script: Record<string, TransportResult[]> = {},
  opts: Partial<OutboxSenderOptions> = {},
) {
  const time = virtualTime();
  const fake = fakeTransport(time.clock, script);
  const sender = createOutboxSender({
    db: database.db,
    channel: "telegram",
    transport: fake.transport,
    lock: testLock(fresh),
    clock: time.clock,
    sleep: time.sleep,
    ratePerSecond: 50,
    ...opts,
  });
  const started = time.now();
  await sender.drain();
  await sender.stop();
  return { ...fake, started, stats: sender.stats() };
}

describe("outbox", () => {
  it("enqueues a dedupe key once, even twice in one call", async () => {
    expect(
      await enqueue(database.db, [textMessage("1", "a"), textMessage("2", "b"), textMessage("1", "a")]),
    ).toBe(2);
    expect(await enqueue(database.db, [textMessage("1", "a"), textMessage("3", "c")])).toBe(1);
    const rows = await outboxRows(database);
    expect(rows.map((r) => [r.dedupeKey, r.status, r.attempts])).toEqual([
      ["a", "pending", 0],
      ["b", "pending", 0],
      ["c", "pending", 0],
    ]);
  });

  it("sends every message once, in the order enqueued, and stores text, photo and document replies", async () => {
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    await enqueue(database.db, [
      ...Array.from({ length: 20 }, (_, i) => textMessage(String(100 + i), `m${i}`)),
      { channel: "telegram", chatId: "7", dedupeKey: "photo", reply: { kind: "photo", png, caption: "QR" } },
      {
        channel: "telegram",
        chatId: "8",
        dedupeKey: "doc",
        reply: { kind: "document", bytes: new Uint8Array([1, 2]), fileName: "a.csv", mimeType: "text/csv" },
      },
    ]);
    const { sends, received, stats } = await drainWith();
    expect(sends.map((s) => s.dedupeKey)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `m${i}`),
      "photo",
      "doc",
    ]);
    expect(stats).toMatchObject({ sent: 22, failed: 0 });
    const photo = received.find((m) => m.dedupeKey === "photo")?.reply;
    expect(photo).toMatchObject({ kind: "photo", caption: "QR" });
    expect(photo?.kind === "photo" && Buffer.from(photo.png).equals(Buffer.from(png))).toBe(true);
    const rows = await outboxRows(database);
    expect(rows.every((r) => r.status === "sent" && r.sentAt !== null)).toBe(true);
  });

  it("keeps a second between two messages to one chat and the global rate", async () => {
    const keys = ["a1", "b1", "a2", "c1", "a3", "b2", "a4"];
    await enqueue(
      database.db,
      keys.map((k) => textMessage(k[0] ?? "", k)),
    );
    const { sends } = await drainWith({}, { ratePerSecond: 10 });
    for (const chat of ["a", "b", "c"]) {
      const mine = sends.filter((s) => s.chatId === chat);
      expect(mine.map((s) => s.dedupeKey)).toEqual(keys.filter((k) => k.startsWith(chat)));
      for (let i = 1; i < mine.length; i++)
        expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    }
    // 10/s: seven sends span at least six intervals, less the pacer's catch-up allowance (50 ms).
    const span = sends.at(-1)!.at - sends[0]!.at;
    expect(span).toBeGreaterThanOrEqual(6 * 100 - 50);
  });

  it("pauses everything for retry_after on a 429, then delivers the message", async () => {
    await enqueue(
      database.db,
      Array.from({ length: 6 }, (_, i) => textMessage(String(i), `m${i}`)),
    );
    const { sends, stats } = await drainWith(
      { m2: [{ kind: "retryAfter", seconds: 7 }] },
      { ratePerSecond: 5 },
    );
    const limited = sends.find((s) => s.result === "retryAfter")!;
    expect(limited.dedupeKey).toBe("m2");
    const after = sends.filter((s) => s.at > limited.at);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.at >= limited.at + 7000)).toBe(true);
    expect(
      sends
        .filter((s) => s.result === "ok")
        .map((s) => s.dedupeKey)
        .sort(),
    ).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
    expect(stats).toMatchObject({ sent: 6, rateLimited: 1 });
    expect((await rowByKey(database, "m2")).attempts).toBe(0);
  });

  it("marks a blocked chat unreachable and records it; clears it when asked", async () => {
    await enqueue(database.db, [textMessage("41", "x"), textMessage("42", "y")]);
    const { stats } = await drainWith({
      x: [{ kind: "unreachable", reason: "Forbidden: bot was blocked by the user" }],
    });
    expect(stats).toMatchObject({ sent: 1, unreachable: 1 });
    expect(await rowByKey(database, "x")).toMatchObject({ status: "unreachable", lastError: /blocked/ });
    const [seen] = await database.db.select().from(chatReachability);
    expect(seen).toMatchObject({ channel: "telegram", chatId: "41", reason: /blocked/ });
    await markReachable(database.db, "telegram", "41");
    expect(await database.db.select().from(chatReachability)).toEqual([]);
  });

  it("retries transient failures with backoff and gives up after maxAttempts", async () => {
    await enqueue(database.db, [
      textMessage("1", "flaky"),
      textMessage("2", "down"),
      textMessage("3", "bad"),
    ]);
    const transient = (): TransportResult => ({ kind: "transient", error: "502 Bad Gateway" });
    const { sends, stats } = await drainWith(
      {
        flaky: [transient()],
        down: [transient(), transient(), transient(), transient()],
        bad: [{ kind: "rejected", error: "400 message is too long" }],
      },
      { maxAttempts: 3, backoffMs: (n) => n * 10_000 },
    );
    expect(await rowByKey(database, "flaky")).toMatchObject({ status: "sent", attempts: 1 });
    expect(await rowByKey(database, "down")).toMatchObject({
      status: "failed",
      attempts: 3,
      lastError: /502/,
    });
    expect(await rowByKey(database, "bad")).toMatchObject({
      status: "failed",
      attempts: 0,
      lastError: /too long/,
    });
    const down = sends.filter((s) => s.dedupeKey === "down").map((s) => s.at);
    expect(down).toHaveLength(3);
    expect(down[1]! - down[0]!).toBeGreaterThanOrEqual(10_000);
    expect(down[2]! - down[1]!).toBeGreaterThanOrEqual(20_000);
    expect(stats).toMatchObject({ sent: 1, retried: 3, failed: 2 });
  });

  it("reclaims messages a crashed sender left in `sending` once their lease has run out", async () => {
    const time = virtualTime();
    await enqueue(database.db, [textMessage("1", "c1"), textMessage("2", "c2"), textMessage("3", "c3")]);
    // A sender claims two messages and dies before marking them.
    const crashed = await claim(database.db, {
      channel: "telegram",
      now: time.clock(),
      limit: 2,
      leaseMs: 60_000,
    });
    expect(crashed.messages.map((m) => m.dedupeKey)).toEqual(["c1", "c2"]);
    time.advance(5_000);
    const fake = fakeTransport(time.clock);
    const sender = createOutboxSender({
      db: database.db,
      channel: "telegram",
      transport: fake.transport,
      lock: testLock(fresh),
      clock: time.clock,
      sleep: time.sleep,
      leaseMs: 60_000,
    });
    await sender.drain();
    await sender.stop();
    const t0 = Date.parse("2021-08-01T01:00:00Z");
    expect(fake.sends.map((s) => s.dedupeKey)).toEqual(["c3", "c1", "c2"]);
    expect(fake.sends[0]!.at).toBe(t0 + 5_000);
    expect(fake.sends[1]!.at).toBeGreaterThanOrEqual(t0 + 60_000);
    expect((await outboxRows(database)).every((r) => r.status === "sent")).toBe(true);
  });

  it("purges finished messages, which frees their dedupe keys", async () => {
    await enqueue(database.db, [textMessage("1", "old")]);
    await drainWith();
    expect(await purgeOutbox(database.db, new Date(Date.now() + 60_000))).toBe(1);
    expect(await enqueue(database.db, [textMessage("1", "old")])).toBe(1);
  });
});
