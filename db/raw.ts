import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "./client.js";

export type RawRow = Record<string, unknown>;

/** Rows of a raw query, whichever driver (postgres.js gives an array, PGlite an object with rows). */
export async function rawRows(db: DbOrTx, query: SQL): Promise<RawRow[]> {
  const result = (await db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as RawRow[]) : ((result as { rows: RawRow[] }).rows ?? []);
}
