import { asc, eq } from "drizzle-orm";
import type { NewOutboxMessage, OutboxMessage } from "../../../bot/platform/outbox/enqueue.js";
import {
  advisoryLock,
  localLock,
  type SenderLock,
  senderLockKey,
} from "../../../bot/platform/outbox/lock.js";
import type { OutboxTransport, TransportResult } from "../../../bot/platform/outbox/sender.js";
import type { Database } from "../../../db/client.js";
import { outbox } from "../../../db/schema/index.js";
import type { FreshDatabase } from "../../support/db.js";

/** A clock that moves only when the code under test sleeps: waits cost nothing and times are exact. */
export function virtualTime(start = Date.parse("2021-08-01T01:00:00Z")) {
  let now = start;
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      now += Math.max(0, ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export interface RecordedSend {
  id: number;
  chatId: string;
  dedupeKey: string;
  at: number;
  result: TransportResult["kind"];
}

/**
 * A transport that records each call with the (virtual) time and answers from a script: a dedupe key's
 * list of results is used up in order, then every call succeeds.
 */
export function fakeTransport(clock: () => Date, script: Record<string, TransportResult[]> = {}) {
  const sends: RecordedSend[] = [];
  const received: OutboxMessage[] = [];
  const transport: OutboxTransport = async (msg) => {
    received.push(msg);
    const result = script[msg.dedupeKey]?.shift() ?? { kind: "ok" };
    sends.push({
      id: msg.id,
      chatId: msg.chatId,
      dedupeKey: msg.dedupeKey,
      at: clock().getTime(),
      result: result.kind,
    });
    return result;
  };
  const ok = () => sends.filter((s) => s.result === "ok");
  return { transport, sends, received, ok };
}

export const textMessage = (chatId: string, dedupeKey: string, text = dedupeKey): NewOutboxMessage => ({
  channel: "telegram",
  chatId,
  dedupeKey,
  reply: { kind: "text", text },
});

/** The lock a sender would get in production, on this test's database. */
export function testLock(fresh: FreshDatabase, token = "123456:TEST-TOKEN"): SenderLock {
  if (fresh.kind === "pglite" || !fresh.env.DATABASE_URL) return localLock();
  return advisoryLock(fresh.env.DATABASE_URL, senderLockKey("telegram", token));
}

export async function outboxRows(database: Database) {
  return database.db.select().from(outbox).orderBy(asc(outbox.id));
}

export async function rowByKey(database: Database, dedupeKey: string) {
  const [row] = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  if (!row) throw new Error(`no outbox row ${dedupeKey}`);
  return row;
}
