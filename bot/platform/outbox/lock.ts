import { createHash } from "node:crypto";
import postgres from "postgres";
import type { Database } from "../../../db/client.js";

/**
 * Who may run the sender of one bot. Telegram's limits are per bot token, so all instances must share one
 * budget: exactly one of them sends, the others keep trying to take over.
 */
export interface SenderLock {
  /** Tries to become the sender; true when this process holds the lock (already or now). */
  acquire(): Promise<boolean>;
  /** Whether the lock is still held (a dropped connection loses it). */
  check(): Promise<boolean>;
  /** Gives the lock up and closes what it opened. */
  release(): Promise<void>;
}

/** A 62-bit advisory lock key from the channel and a hash of the token (the token itself is never sent). */
export function senderLockKey(channel: string, token: string): bigint {
  const tokenHash = createHash("sha256").update(token).digest("hex");
  const digest = createHash("sha256").update(`outbox-sender:${channel}:${tokenHash}`).digest();
  return digest.readBigUInt64BE(0) & 0x3fff_ffff_ffff_ffffn;
}

/**
 * A PostgreSQL session advisory lock held on a dedicated connection (not the pool's: a pooled connection
 * would hand the session, and the lock, to other queries). The lock lives as long as that session.
 */
export function advisoryLock(databaseUrl: string, key: bigint): SenderLock {
  let client: postgres.Sql | undefined;
  let held = false;
  const classid = String(key >> 32n);
  const objid = String(key & 0xffff_ffffn);
  const connect = () => {
    // No max_lifetime: recycling the connection would silently drop the lock.
    client ??= postgres(databaseUrl, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      onnotice: () => {},
      connect_timeout: 3,
      backoff: (attempts: number) => Math.min(0.1 * attempts, 1),
      // The session, and the lock with it, is gone; postgres.js would reconnect without it.
      onclose: () => {
        held = false;
      },
      connection: { application_name: "health-bot-outbox-lock" },
    });
    return client;
  };
  const lock: SenderLock = {
    async acquire() {
      if (held && (await lock.check())) return true;
      try {
        const [row] = await connect()`select pg_try_advisory_lock(${key.toString()}::bigint) as ok`;
        held = row?.ok === true;
      } catch {
        held = false;
        await drop();
      }
      return held;
    },
    async check() {
      if (!client || !held) return false;
      try {
        const [row] = await client`
          select count(*)::int as n from pg_locks
          where locktype = 'advisory' and pid = pg_backend_pid() and granted
            and classid = ${classid}::oid and objid = ${objid}::oid and objsubid = 1`;
        held = (row?.n ?? 0) > 0;
      } catch {
        held = false;
      }
      return held;
    },
    async release() {
      if (client && held) {
        await client`select pg_advisory_unlock(${key.toString()}::bigint)`.catch(() => {});
      }
      held = false;
      await drop();
    },
  };
  async function drop() {
    const c = client;
    client = undefined;
    await c?.end({ timeout: 5 }).catch(() => {});
  }
  return lock;
}

/** PGlite serves a single process, so there is no one to share with: the lock is always held. */
export function localLock(): SenderLock {
  return { acquire: async () => true, check: async () => true, release: async () => {} };
}

/** The lock that fits the database: an advisory lock on PostgreSQL, none on PGlite. */
export function senderLock(
  database: Pick<Database, "kind">,
  opts: { databaseUrl?: string; channel: string; token: string },
): SenderLock {
  if (database.kind === "pglite") return localLock();
  if (!opts.databaseUrl) throw new Error("senderLock: PostgreSQL needs its URL for a dedicated connection");
  return advisoryLock(opts.databaseUrl, senderLockKey(opts.channel, opts.token));
}
