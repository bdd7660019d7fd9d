import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import type { Param } from "../../../db/compiled.js";
import { rawRows } from "../../../db/raw.js";
import { addDays, isoDay, type LocalDate, localDate, startOfLocalDay } from "../../shared/local-time.js";

/**
 * The day partitions of `visits` (migration 0006_visits_partitioned): one per local day of TZ_REPORTING,
 * `visits_YYYYMMDD`, holding the visits checked in on that day, so that retention drops a whole day instead
 * of deleting its rows one by one (and leaving the vacuum of every index to autovacuum). They are made ahead
 * — today and the next DAYS_AHEAD days — at start and by an hourly job; a check-in no day partition covers
 * lands in the DEFAULT partition `visits_default` and is never refused. `visits_legacy`, where an upgraded
 * deployment's visits from before the migration stay, is dropped by retention like a day once it is old.
 */

/** Days made ahead of today. Each partition is one more for the planner to consider, so only a few. */
export const DAYS_AHEAD = 3;
export const DEFAULT_PARTITION = "visits_default";
// Any constant: the same for every instance, so that two making partitions at once take turns.
const PARTITION_LOCK = 72_410_002;

export interface VisitPartition {
  name: string;
  /** [from, to); null: MINVALUE / MAXVALUE. Both null for the default partition. */
  from: Date | null;
  to: Date | null;
  isDefault: boolean;
}

/** The partition a local day's visits go to. */
export function dayPartitionName(day: LocalDate): string {
  return `visits_${isoDay(day).replaceAll("-", "")}`;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Every partition of visits with its bounds, read from the catalog. The bounds come back as the text of
 * `FOR VALUES FROM (…) TO (…)`, each a timestamptz literal with its offset, cast back in the same query.
 */
export async function visitPartitions(db: DbOrTx): Promise<VisitPartition[]> {
  const rows = await rawRows(
    db,
    sql`select c.relname as name, b.bound = 'DEFAULT' as is_default,
        (extract(epoch from (regexp_match(b.bound, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000)::float8 as from_ms,
        (extract(epoch from (regexp_match(b.bound, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000)::float8 as to_ms
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
      where i.inhparent = 'visits'::regclass
      order by to_ms nulls last`,
  );
  const at = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return rows.map((r) => ({
    name: String(r.name),
    from: at(r.from_ms),
    to: at(r.to_ms),
    isDefault: r.is_default === true,
  }));
}

const overlaps = (p: VisitPartition, from: Date, to: Date) =>
  !p.isDefault &&
  (p.from === null || p.from.getTime() < to.getTime()) &&
  (p.to === null || p.to.getTime() > from.getTime());

export interface EnsureResult {
  /** The partitions made now. */
  created: string[];
  /**
   * Days left to the default partition: visits of that day are already there (made before the day's
   * partition, e.g. on the day of the upgrade), or another partition (visits_legacy) covers part of it.
   */
  skipped: string[];
}

/**
 * Makes the partitions of today and the next DAYS_AHEAD local days that do not exist yet. Idempotent, and
 * cheap when there is nothing to do (one catalog read, no lock on visits). Making a partition locks visits
 * for a moment (PostgreSQL takes an exclusive lock on the parent), and scans the default partition, which
 * holds nothing or little. A day whose visits the default partition already holds is skipped, not moved:
 * its rows stay there until retention deletes them.
 */
export async function ensureVisitPartitions(
  db: DbOrTx,
  now: Date,
  timeZone: string,
  daysAhead = DAYS_AHEAD,
): Promise<EnsureResult> {
  const today = localDate(now, timeZone);
  const days = Array.from({ length: daysAhead + 1 }, (_, i) => addDays(today, i));
  const wanted = (existing: VisitPartition[]) =>
    days.filter((d) => !existing.some((p) => p.name === dayPartitionName(d)));
  if (wanted(await visitPartitions(db)).length === 0) return { created: [], skipped: [] };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_LOCK})`);
    const existing = await visitPartitions(tx);
    const out: EnsureResult = { created: [], skipped: [] };
    for (const day of wanted(existing)) {
      const name = dayPartitionName(day);
      const from = startOfLocalDay(day, timeZone);
      const to = startOfLocalDay(addDays(day, 1), timeZone);
      if (existing.some((p) => overlaps(p, from, to)) || (await defaultHolds(tx, from, to))) {
        out.skipped.push(name);
        continue;
      }
      await tx.execute(
        sql`create table if not exists ${sql.identifier(name)} partition of visits
          for values from (${sql.raw(literal(from))}) to (${sql.raw(literal(to))})`,
      );
      out.created.push(name);
    }
    return out;
  });
}

/** A timestamptz literal for DDL, which takes no parameters: an ISO string, quoted. */
function literal(d: Date): string {
  return `'${d.toISOString()}'`;
}

async function defaultHolds(db: DbOrTx, from: Date, to: Date): Promise<boolean> {
  const [row] = await rawRows(
    db,
    sql`select exists (select 1 from ${sql.identifier(DEFAULT_PARTITION)}
      where checked_in_at >= ${ts(from)} and checked_in_at < ${ts(to)}) as held`,
  );
  return row?.held === true;
}

/**
 * Drops every partition (day or legacy) whose visits all began before `before`, counting their rows first
 * (retention reports what it removed). The default partition is never dropped. Dropping a partition locks
 * visits until the transaction ends: retention does it last.
 */
export async function dropVisitPartitionsBefore(
  db: DbOrTx,
  before: Date,
): Promise<{ partitions: string[]; rows: number }> {
  const old = (await visitPartitions(db)).filter(
    (p) => !p.isDefault && p.to !== null && p.to.getTime() <= before.getTime(),
  );
  let rows = 0;
  for (const p of old) {
    const [row] = await rawRows(db, sql`select count(*)::int as n from ${sql.identifier(p.name)}`);
    rows += Number(row?.n ?? 0);
    await db.execute(sql`drop table ${sql.identifier(p.name)}`);
  }
  return { partitions: old.map((p) => p.name), rows };
}

/**
 * `checked_in_at` in [from, to), the bounds written into the statement as constants rather than sent as
 * parameters. With constants PostgreSQL prunes to the partitions of [from, to) when it plans, so a prepared
 * statement keeps one plan (made once per text: the bounds of a day or an hour) and reuses it. With
 * parameters it would plan again at every execution — a generic plan, pruned only as it runs, is costed over
 * every partition and loses to a custom one — which on the hottest statements cost more than the statements.
 */
export function checkedInWithin(from: Date, to: Date, alias?: string): SQL {
  const column = sql.raw(alias ? `${alias}.checked_in_at` : "checked_in_at");
  return sql`${column} >= ${sql.raw(literal(from))}::timestamptz and ${column} < ${sql.raw(literal(to))}::timestamptz`;
}

const HOUR = 3_600_000;

/** The start of the UTC hour `at` falls in, in epoch milliseconds. */
export const hourOf = (at: Date) => Math.floor(at.getTime() / HOUR) * HOUR;

/**
 * One visit by its id and check-in time: `id` a parameter, the time as the constant window of its hour (see
 * checkedInWithin). The window reaches a millisecond past the hour either side: a JavaScript date holds
 * milliseconds where PostgreSQL keeps microseconds.
 */
export function visitAt(id: Param<number>, at: Date): SQL {
  const hour = hourOf(at);
  return sql`id = ${id} and ${checkedInWithin(new Date(hour - 1), new Date(hour + HOUR + 1))}`;
}
