import { fillPlaceholders, type Placeholder, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { DbOrTx } from "./client.js";
import type { RawRow } from "./raw.js";

/** A value a statement is built with: known now, or a placeholder filled at each run of a compiled statement. */
export type Param<T> = T | Placeholder;

/** A timestamp parameter as SQL: a Date now, or a placeholder given the ISO string at run time. */
export function ts(at: Param<Date>): SQL {
  return at instanceof Date ? sql`${at.toISOString()}::timestamptz` : sql`${at}::timestamptz`;
}

/** On PGlite's instance and transactions (see db/client.ts): the names of the statements prepared there. */
export const PGLITE_PREPARED = Symbol("pglite prepared statements");

export type Compiled<K extends string> = (db: DbOrTx, values: Record<K, unknown>) => Promise<RawRow[]>;

/**
 * A statement whose text drizzle builds once, on first use, with placeholders for what changes; each run only
 * fills them in. Building the check-in's statements took about a tenth of its CPU (the checkpoint read alone
 * 50 µs) for text that never changes. The statement goes to the driver as it is (rows as objects keyed by
 * the statement's column names, values as the driver gives them: so read no date or time column, which the
 * drivers give differently, but epoch numbers or text); postgres.js prepares it once per connection.
 *
 * PGlite prepares nothing by itself: it parses and plans each statement every time, which for the check-in's
 * checkpoint read took 0.8 ms of WebAssembly on the event loop, against 0.04 ms to run it once prepared. There
 * the statement is prepared once per instance (PREPARE; prepared statements outlive a rolled-back
 * transaction) and run by EXECUTE with its values as literals (strings, numbers, booleans and null only).
 */
export function compiled<K extends string>(
  names: readonly K[],
  build: (p: Record<K, Placeholder>) => SQL,
): Compiled<K> {
  const run = compiledPer(names, () => "", build);
  return (db, values) => run(db, values, undefined);
}

/** Texts of one compiledPer statement kept built at once (and prepared, on PGlite). */
const TEXTS_KEPT = 4;

/**
 * A compiled statement with constants in its text besides its placeholders (`consts`, named by `key`): one text
 * per key, built when first needed; the last few are kept. Constants let PostgreSQL prune partitions when it
 * plans, so that a prepared statement keeps one plan (see checkpoint/partitions.ts); they should change seldom
 * (a day, an hour), each new one being a new statement to build and prepare.
 */
export function compiledPer<K extends string, C>(
  names: readonly K[],
  key: (consts: C) => string,
  build: (p: Record<K, Placeholder>, consts: C) => SQL,
): (db: DbOrTx, values: Record<K, unknown>, consts: C) => Promise<RawRow[]> {
  const family = `hb_c${++statements}`;
  const texts = new Map<string, { sql: string; params: unknown[]; name: string }>();
  let made = 0;
  return async (db, values, consts) => {
    const k = key(consts);
    let query = texts.get(k);
    if (!query) {
      const placeholders = Object.fromEntries(names.map((n) => [n, sql.placeholder(n)])) as unknown as Record<
        K,
        Placeholder
      >;
      query = { ...new PgDialect().sqlToQuery(build(placeholders, consts)), name: `${family}_${++made}` };
      texts.set(k, query);
      if (texts.size > TEXTS_KEPT) texts.delete(texts.keys().next().value!);
    }
    const params = fillPlaceholders(query.params, values);
    const client = (db._.session as unknown as { client: PgliteClient }).client;
    const prepared = client[PGLITE_PREPARED];
    if (prepared) {
      if (!prepared.has(query.name)) await prepared.prepare(query.name, query.sql, family, TEXTS_KEPT);
      const text = params.length
        ? `execute ${query.name}(${params.map(literal).join(", ")})`
        : `execute ${query.name}`;
      return (await client.query(text)).rows;
    }
    const result = (await db._.session
      .prepareQuery({ sql: query.sql, params }, undefined, undefined, false)
      .execute()) as unknown;
    return Array.isArray(result) ? (result as RawRow[]) : ((result as { rows: RawRow[] }).rows ?? []);
  };
}

let statements = 0;

export interface PglitePrepared {
  has(name: string): boolean;
  /** Prepares `name`; of the statements of its `family`, only the last `keep` stay prepared. */
  prepare(name: string, text: string, family: string, keep: number): Promise<void>;
}

interface PgliteClient {
  [PGLITE_PREPARED]?: PglitePrepared;
  query(text: string): Promise<{ rows: RawRow[] }>;
}

/** A value as an SQL literal (standard_conforming_strings is on: only the quote is doubled). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new TypeError(`a compiled statement takes strings, numbers, booleans and null, not ${typeof value}`);
}
