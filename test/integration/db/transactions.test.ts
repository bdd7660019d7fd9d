import net from "node:net";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../../db/client.js";
import { rawRows } from "../../../db/raw.js";

const url = process.env.DATABASE_URL;

/** Writes to PostgreSQL's port while `run` runs. */
async function pgWrites(port: number, run: () => Promise<unknown>): Promise<number> {
  let writes = 0;
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === port) writes++;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof write;
  try {
    await run();
  } finally {
    net.Socket.prototype.write = write;
  }
  return writes;
}

/** Transactions on PostgreSQL run on a reserved connection with BEGIN pipelined (db/client.ts). */
describe.skipIf(!url).each([true, false])(
  "transactions on PostgreSQL (prepared statements: %s)",
  (prepared) => {
    let database: Database;
    const table = `tx_test_${process.pid}_${prepared ? "p" : "u"}`;
    const port = Number(new URL(url ?? "postgres://x:5432").port || 5432);

    beforeAll(async () => {
      database = await openDatabase({
        databaseUrl: url,
        dataDir: "/tmp/unused",
        maxConnections: 1,
        preparedStatements: prepared,
      });
      await database.db.execute(sql.raw(`create table ${table} (n int primary key)`));
    });
    afterAll(async () => {
      await database.db.execute(sql.raw(`drop table if exists ${table}`));
      await database.close();
    });

    const count = async () =>
      Number((await rawRows(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);

    it.skipIf(!prepared)(
      "send BEGIN with the first statement: begin, three statements and commit in four writes",
      async () => {
        const tx = () =>
          database.db.transaction(async (t) => {
            await t.execute(sql`select ${1}::int`);
            await t.execute(sql`select ${2}::int`);
            await t.execute(sql`select ${3}::int`);
          });
        await tx(); // prepares the statements on the connection
        expect(await pgWrites(port, tx)).toBe(4);
      },
    );

    it("keep nothing of a transaction that failed, and what a savepoint kept of an inner one", async () => {
      await expect(
        database.db.transaction(async (t) => {
          await t.execute(sql.raw(`insert into ${table} values (1)`));
          await t.execute(sql.raw(`insert into ${table} values (1)`));
        }),
      ).rejects.toThrow();
      expect(await count()).toBe(0);
      await database.db.transaction(async (t) => {
        await t.execute(sql.raw(`insert into ${table} values (2)`));
        await t
          .transaction(async (inner) => {
            await inner.execute(sql.raw(`insert into ${table} values (3)`));
            throw new Error("inner gives up");
          })
          .catch(() => {});
        await t.transaction(async (inner) => {
          await inner.execute(sql.raw(`insert into ${table} values (4)`));
        });
      });
      const rows = await rawRows(database.db, sql.raw(`select n from ${table} order by n`));
      expect(rows.map((r) => Number(r.n))).toEqual([2, 4]);
    });

    it("fail a transaction whose connection is killed, and go on with a new connection", async () => {
      const admin = postgres(url!, { max: 1, onnotice: () => {} });
      try {
        await expect(
          database.db.transaction(async (t) => {
            const [me] = await rawRows(t, sql`select pg_backend_pid() as pid`);
            await t.execute(sql.raw(`insert into ${table} values (10)`));
            await admin`select pg_terminate_backend(${Number(me!.pid)})`;
            await new Promise((r) => setTimeout(r, 100));
            await t.execute(sql.raw(`insert into ${table} values (11)`));
          }),
        ).rejects.toThrow();
        // The pool's only connection died while reserved: the next transactions get a new one.
        for (let i = 0; i < 3; i++)
          await database.db.transaction(async (t) => {
            await t.execute(sql.raw(`insert into ${table} values (${20 + i})`));
          });
        const rows = await rawRows(database.db, sql.raw(`select n from ${table} where n >= 10 order by n`));
        expect(rows.map((r) => Number(r.n))).toEqual([20, 21, 22]);
      } finally {
        await admin.end();
      }
    });
  },
);
