import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
// biome-ignore lint/suspicious/noExplicitAny: the relational-config generics differ per driver
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;
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

const CONNECT_TIMEOUT_SECONDS = 3;
/** /healthz must answer within a second even when the database hangs. */
const PING_TIMEOUT_MS = 800;

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Pool size for postgres.js. */
  maxConnections?: number;
}

/** Opens PostgreSQL when a URL is given, else embedded PGlite under dataDir, and applies migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const client = postgres(opts.databaseUrl, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: "health-bot" },
      // While the server is down a query fails at once (refused) or after connect_timeout (unreachable),
      // and reconnecting waits at most a second, so service resumes within seconds of the server's return
      // (postgres.js's default backoff grows to 20 s after repeated failures).
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      backoff: (attempts: number) => Math.min(0.1 * attempts, 1),
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    // Several instances may start together: serialise their migrations on one dedicated connection.
    const migrator = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
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
  const client = await PGlite.create({ dataDir: pgliteDir });
  const pdb = drizzlePglite(client, { schema });
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
