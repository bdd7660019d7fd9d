import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite, PGliteOptions } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { PGLITE_PREPARED, type PglitePrepared } from "./compiled.js";

/**
 * The query builder without drizzle's relational API (`db.query.<table>`): nothing uses it, and with a schema
 * every transaction builds a relational query builder for each of the tables before its first statement.
 */
export type Db = PgDatabase<PgQueryResultHKT>;
// biome-ignore lint/suspicious/noExplicitAny: the relational-config generics differ per driver
export type Tx = PgTransaction<PgQueryResultHKT, any, any>;
/** Anything queries can run on: the database or an open transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

// Any constant works; it only has to be the same for every instance migrating the same database.
const MIGRATION_LOCK = 72_410_001;

export type StatementObserver = (text: string, connection: string) => void;

/**
 * A migrated PGlite data directory made once by the build (`scripts/build.mjs`, which `npm start` runs first).
 * A new embedded database is copied from it instead of being made by initdb inside the process: initdb in
 * WebAssembly grows the heap by about half a gigabyte that is never given back.
 */
export const pgliteTemplateDir = fileURLToPath(new URL("../dist/pglite-template", import.meta.url));

/**
 * PGlite's settings, for the bot and for the template the build makes. PostgreSQL's default 128 MB of shared
 * buffers live in the WebAssembly heap of this one process; 32 MB hold a district's working set and save about
 * 100 MB of resident memory. (relaxedDurability is left off: on the Node file system PGlite writes through
 * PostgreSQL's own files and has nothing to flush later, so it gains nothing, and a reply must not be sent for
 * a commit that could still be lost.)
 */
export const PGLITE_CONF = ["shared_buffers=32MB"];

export function pgliteOptions(dataDir: string): PGliteOptions {
  return { dataDir, postgresqlconf: PGLITE_CONF };
}

const CONNECT_TIMEOUT_SECONDS = 3;
/** /healthz must answer within a second even when the database hangs. */
const PING_TIMEOUT_MS = 800;

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Pool size for postgres.js. */
  maxConnections?: number;
  /**
   * Named prepared statements on PostgreSQL (default true): each statement is parsed once per connection and
   * then costs one round trip instead of two. Turn off behind a pooler that hands a session's statements to
   * other clients (PgBouncer in transaction or statement mode before 1.21, or without max_prepared_statements).
   */
  preparedStatements?: boolean;
  /**
   * Sees every statement sent to the database, begin and commit included, with the connection (PostgreSQL) or
   * transaction (PGlite) it went out on: for counting statements in tests and benches.
   */
  onStatement?: StatementObserver;
  /** PGlite: a data directory to copy into a new one (default: the build's template, when there is one). */
  pgliteTemplate?: string | null;
}

/** Opens PostgreSQL when a URL is given, else embedded PGlite under dataDir, and applies migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const prepare = opts.preparedStatements ?? true;
    const onStatement = opts.onStatement;
    const client = postgres(opts.databaseUrl, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: "health-bot" },
      prepare,
      // While the server is down a query fails at once (refused) or after connect_timeout (unreachable),
      // and reconnecting waits at most a second, so service resumes within seconds of the server's return
      // (postgres.js's default backoff grows to 20 s after repeated failures).
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      backoff: (attempts: number) => Math.min(0.1 * attempts, 1),
    });
    const db = drizzlePostgres(driverView(client, { prepare, onStatement })) as unknown as Db;
    // Several instances may start together: serialise their migrations on one dedicated connection.
    const migrator = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres(migrator), { migrationsFolder });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    return {
      db,
      kind: "postgres",
      ping: () => pingDb(db),
      close: () => client.end({ timeout: 5 }),
    };
  }
  // DATA_DIR also holds files the bot writes (terminal pictures, logs), so the database gets its own folder.
  const pgliteDir = join(opts.dataDir, "pglite");
  mkdirSync(pgliteDir, { recursive: true });
  const template = opts.pgliteTemplate === undefined ? pgliteTemplateDir : opts.pgliteTemplate;
  // A template only fills a new directory; migrations below bring it up to date if it is older than the code.
  if (template && readdirSync(pgliteDir).length === 0 && existsSync(join(template, "PG_VERSION")))
    cpSync(template, pgliteDir, { recursive: true });
  // Loaded only for the embedded database: a PostgreSQL deployment never loads PGlite's 10 MB of WebAssembly.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
  ]);
  const client = await PGlite.create(pgliteOptions(pgliteDir));
  const pdb = drizzlePglite(pgliteView(client, opts.onStatement));
  await migratePglite(pdb, { migrationsFolder });
  const db = pdb as unknown as Db;
  return {
    db,
    kind: "pglite",
    ping: () => pingDb(db),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/**
 * The client as drizzle sees it. drizzle asks postgres.js for a named prepared statement only for queries given
 * a name with `.prepare()`, and an unnamed parameterised statement costs two round trips (Parse/Describe, then
 * Bind/Execute): with `prepare`, postgres.js prepares every statement once per connection and reuses it, one
 * round trip after the first. Every statement is shown to `onStatement` here (postgres.js's own `debug` hook
 * would make every query capture a stack trace). Transactions get the same view of their connection, and their
 * `begin` goes out with their first statement (see pipelinedBegin).
 */
function driverView(
  client: postgres.Sql,
  opts: { prepare: boolean; onStatement?: StatementObserver },
): postgres.Sql {
  let transactions = 0;
  const wrap = <T extends object>(sql: T, connection: string, tx?: Savepoints): T =>
    new Proxy(sql, {
      get(target, key, receiver) {
        if (key === "begin")
          return (...args: unknown[]) => pipelinedBegin(client, args, `tx${++transactions}`, wrap);
        if (tx && key === "savepoint") return tx.savepoint;
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== "function") return value;
        if (key === "unsafe")
          return (text: string, params?: unknown[], options?: object) => {
            opts.onStatement?.(text, connection);
            return value.call(target, text, params, { ...options, prepare: opts.prepare });
          };
        return value.bind(target);
      },
    });
  return wrap(client, "pool");
}

interface Savepoints {
  savepoint(fn: (inner: object) => Promise<unknown>): Promise<unknown>;
}

/**
 * postgres.js's own `begin` waits for BEGIN's answer before the transaction's first statement may leave, a
 * round trip that does nothing. Here the transaction runs on a reserved connection, where postgres.js pipelines:
 * BEGIN and the first statement go out in one write. BEGIN cannot fail on a live connection (a dropped one
 * fails the statements behind it too), and its answer is awaited before COMMIT all the same. Savepoints (a
 * transaction inside a transaction) are written out the same way.
 */
async function pipelinedBegin(
  client: postgres.Sql,
  args: unknown[],
  connection: string,
  wrap: <T extends object>(sql: T, connection: string, tx?: Savepoints) => T,
): Promise<unknown> {
  const fn = args.at(-1) as (tx: object) => Promise<unknown>;
  const mode = typeof args[0] === "string" && args.length > 1 ? args[0].replace(/[^a-z ]/gi, "") : "";
  const reserved = await client.reserve();
  let savepoints = 0;
  const run = (text: string) => (tx as postgres.Sql).unsafe(text);
  const scoped = async (
    open: string,
    done: string,
    undo: string,
    body: (tx: object) => Promise<unknown>,
  ): Promise<unknown> => {
    const opened = run(open);
    opened.catch(() => {});
    try {
      const result = await body(tx);
      await opened;
      await run(done);
      return result;
    } catch (error) {
      await run(undo).catch(() => {});
      throw error;
    }
  };
  const tx: object = wrap(reserved, connection, {
    savepoint: (body) => {
      const name = `s${++savepoints}`;
      return scoped(`savepoint ${name}`, `release savepoint ${name}`, `rollback to savepoint ${name}`, body);
    },
  });
  try {
    return await scoped(`begin ${mode}`.trim(), "commit", "rollback", fn);
  } finally {
    reserved.release();
  }
}

/**
 * PGlite as drizzle sees it: every query shown to `onStatement` (when given), each transaction's begin and
 * commit (or rollback) around its own, and the instance's set of statements prepared by db/compiled.ts, on the
 * instance and on each of its transactions.
 */
function pgliteView(client: PGlite, onStatement?: StatementObserver): PGlite {
  let transactions = 0;
  const texts = new Map<string, { text: string; family: string }>();
  // Prepared on the instance or the transaction at hand (the instance waits while a transaction runs). Preparing
  // is not one of the statements a transaction sends (as postgres.js's Parse is not): not shown.
  const preparedOn = (on: { exec(text: string): Promise<unknown> }): PglitePrepared => ({
    has: (name) => texts.has(name),
    async prepare(name, text, family, keep) {
      const older = [...texts].filter(([, t]) => t.family === family).map(([n]) => n);
      const retired = older.slice(0, Math.max(0, older.length - keep + 1));
      await on.exec([...retired.map((n) => `deallocate ${n};`), `prepare ${name} as ${text}`].join(" "));
      for (const n of retired) texts.delete(n);
      texts.set(name, { text, family });
    },
  });
  const wrap = <T extends object>(target: T, connection: string): T =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (key === PGLITE_PREPARED) return preparedOn(t as { exec(text: string): Promise<unknown> });
        const value: unknown = Reflect.get(t, key, receiver);
        if (typeof value !== "function") return value;
        if (onStatement && (key === "query" || key === "exec"))
          return (text: string, ...rest: unknown[]) => {
            // A prepared statement is shown as what it runs.
            const name = text.startsWith("execute ") ? /^execute (\w+)/.exec(text)?.[1] : undefined;
            onStatement((name && texts.get(name)?.text) || text, connection);
            return value.call(t, text, ...rest);
          };
        if (key === "transaction")
          return async (fn: (tx: object) => Promise<unknown>) => {
            const id = `tx${++transactions}`;
            return value.call(t, async (tx: object) => {
              onStatement?.("begin", id);
              try {
                const result = await fn(wrap(tx, id));
                onStatement?.("commit", id);
                return result;
              } catch (error) {
                onStatement?.("rollback", id);
                throw error;
              }
            });
          };
        return value.bind(t);
      },
    });
  return wrap(client, "pglite");
}

async function pingDb(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      db.execute(sql`select 1`).then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
