/**
 * Visits partitioned by local day against the plain table, on the same rows in one run (issue 14, item 5):
 *   - F1: the real trace query of bot/features/tracing/query.ts, median ms, plain ÷ partitioned;
 *   - retention: deleting the oldest local day's rows against detaching and dropping its partition (counting
 *     its rows first, as retention must), in ms and WAL written (pg_current_wal_lsn() before and after — the
 *     whole server's WAL, so other sessions' writes count too), the table's size, and the VACUUM that a delete
 *     leaves to autovacuum;
 *   - the hot check-in statements: the visitor's open visit (state read) and ending it while inserting the new
 *     one, in one transaction, median ms.
 * The plain table is `public.visits` as the migrations make it. The partitioned one is `p.visits`, a range
 * partition per local day (TZ_REPORTING's day: 17:00 UTC for Asia/Ho_Chi_Minh) with the same indexes, a
 * DEFAULT partition, and `p.open_visits` (one row per open visit, visitor_key its primary key) carrying what
 * the unique partial index `visits_one_open_idx` carries on the plain table — a unique index on a partitioned
 * table must include the partition key. A connection whose search_path starts with `p` runs the very same
 * query text against the partitioned table.
 *
 *   npx tsx test/bench/partitions.ts [rows]   (BENCH_PARTITION_ROWS works too; default 20 million)
 *
 * PostgreSQL only (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); the database
 * (BENCH_DB_PREFIX, default "hb", then "_bench_partitions_<pid>") is created and dropped here. Exits 1 when
 * F1 on the partitioned table is more than 1.5 times slower than on the plain one.
 */
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { checkinStateSql } from "../../bot/features/checkpoint/visits.js";
import {
  caseSources,
  meetings,
  meetingsSql,
  rawRows,
  sourcePlaces,
} from "../../bot/features/tracing/query.js";
import { addDays, isoDay, type LocalDate, localDate, startOfLocalDay } from "../../bot/shared/local-time.js";
import { scopeCondition } from "../../bot/shared/officer-scope.js";
import type { Db } from "../../db/client.js";
import { openDatabase } from "../../db/client.js";

export const F1_LIMIT = 1.5;
const TZ = "Asia/Ho_Chi_Minh";
const CASE_KEY = "u:case";
const CASE_VISITS = 50;
const DAYS = 21;
const STAY_HOURS = 4;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

const INDEXES = [
  ["visits_checkpoint_in_idx", "(checkpoint_id, checked_in_at)"],
  ["visits_user_in_idx", "(user_id, checked_in_at)"],
  ["visits_person_in_idx", "(person_id, checked_in_at)"],
  ["visits_visitor_in_idx", "(visitor_key, checked_in_at)"],
] as const;

/**
 * Checkpoints (a tenth parts of another) and `rows` visits over 21 days in check-in order, as a live table
 * fills: the oldest day's rows are at the start of the heap. Visits of the last four hours are still open
 * (one per visitor). Then the case's 50 visits over the last 14 days.
 */
async function loadPlain(client: postgres.Sql, rows: number, now: Date, log: (s: string) => void) {
  const checkpoints = Math.max(200, Math.round(rows / 1000));
  const roots = Math.round(checkpoints * 0.9);
  const visitors = Math.max(1000, Math.round(rows / 10));
  const fks = await client<{ name: string }[]>`
    select conname as name from pg_constraint where conrelid = 'visits'::regclass and contype = 'f'`;
  for (const fk of fks) await client.unsafe(`alter table visits drop constraint ${fk.name}`);
  await client.unsafe(`drop index ${INDEXES.map(([n]) => n).join(", ")}`);
  await client.unsafe("alter table visits set (autovacuum_enabled = false)");
  await client.unsafe(`insert into checkpoints (id, parent_id, code, short_code, name, address, kind,
      stay_minutes, province_code, commune_code, created_at)
    select g, case when g > ${roots} then 1 + (g % ${roots}) end, lpad(g::text, 16, 'c'), 'S' || g,
      'Checkpoint ' || g, 'Address ' || g, 'shop', 240, '01', lpad((g % 100)::text, 5, '0'), now()
    from generate_series(1, ${checkpoints}) g`);
  await client.unsafe(`select setval('checkpoints_id_seq', ${checkpoints})`);
  // From the start of a local day, so that the oldest day is a whole one, as when retention drops it.
  const since = startOfLocalDay(localDate(new Date(now.getTime() - DAYS * 86_400_000), TZ), TZ);
  const span = (now.getTime() - since.getTime()) / 60_000;
  const openFrom = new Date(now.getTime() - STAY_HOURS * 3_600_000).toISOString();
  const chunk = 2_000_000;
  for (let from = 1; from <= rows; from += chunk) {
    const to = Math.min(rows, from + chunk - 1);
    const [ms] = await timed(() =>
      client.unsafe(`insert into visits (checkpoint_id, visitor_key, method, checked_in_at,
          auto_checkout_at, checked_out_at, ended_how)
        select 1 + (g * 2654435761) % ${checkpoints}, 'u:' || (g % ${visitors}), 'link', t,
          t + interval '${STAY_HOURS} hours',
          case when t < '${openFrom}' then t + (10 + (g * 7919) % 110) * interval '1 minute' end,
          case when t < '${openFrom}' then 'manual' end
        from (select g::bigint as g,
            '${since.toISOString()}'::timestamptz + (g::float8 / ${rows}) * ${span} * interval '1 minute' as t
          from generate_series(${from}, ${to}) g) s`),
    );
    log(`  visits ${to.toLocaleString("en")} (${(ms / 1000).toFixed(1)} s)`);
  }
  await client.unsafe(`insert into visits (checkpoint_id, visitor_key, method, checked_in_at,
      auto_checkout_at, checked_out_at, ended_how)
    select 1 + (i * 7907) % ${checkpoints}, '${CASE_KEY}', 'link', t, t + interval '4 hours',
      t + interval '45 minutes', 'manual'
    from (select i, '${now.toISOString()}'::timestamptz - interval '14 days'
        + i * (interval '14 days' / ${CASE_VISITS + 1}) as t
      from generate_series(1, ${CASE_VISITS}) i) s`);
  return { checkpoints, visitors };
}

/** The local days [first, last] as partitions: name, from, to. */
function dayPartitions(first: LocalDate, days: number) {
  const out: { name: string; from: Date; to: Date; day: string }[] = [];
  for (let i = 0; i < days; i++) {
    const d = addDays(first, i);
    out.push({
      name: `visits_${isoDay(d).replaceAll("-", "")}`,
      day: isoDay(d),
      from: startOfLocalDay(d, TZ),
      to: startOfLocalDay(addDays(d, 1), TZ),
    });
  }
  return out;
}

/** p.visits partitioned by local day (the data's days and three ahead, and a default), filled from visits. */
async function loadPartitioned(client: postgres.Sql, now: Date, log: (s: string) => void) {
  const first = localDate(new Date(now.getTime() - DAYS * 86_400_000), TZ);
  const parts = dayPartitions(first, DAYS + 4);
  await client.unsafe("create schema p");
  await client.unsafe(`create table p.visits (like public.visits including defaults including constraints)
    partition by range (checked_in_at)`);
  await client.unsafe("alter table p.visits add primary key (id, checked_in_at)");
  for (const part of parts)
    await client.unsafe(`create table p.${part.name} partition of p.visits
      for values from ('${part.from.toISOString()}') to ('${part.to.toISOString()}')
      with (autovacuum_enabled = false)`);
  await client.unsafe("create table p.visits_default partition of p.visits default");
  const [ms] = await timed(() => client.unsafe("insert into p.visits select * from public.visits"));
  log(`  copied into ${parts.length} day partitions (${(ms / 1000).toFixed(1)} s)`);
  await client.unsafe(`create table p.open_visits (
    visitor_key text primary key,
    visit_id bigint not null,
    checked_in_at timestamptz not null,
    checkpoint_id bigint not null,
    auto_checkout_at timestamptz not null)`);
  await client.unsafe(`insert into p.open_visits
    select visitor_key, id, checked_in_at, checkpoint_id, auto_checkout_at from public.visits
    where checked_out_at is null`);
  await client.unsafe("create index open_visits_due_idx on p.open_visits (auto_checkout_at)");
  await client.unsafe("create index open_visits_checkpoint_idx on p.open_visits (checkpoint_id)");
  return parts;
}

async function buildIndexes(client: postgres.Sql, log: (s: string) => void) {
  await client.unsafe("set maintenance_work_mem = '1GB'");
  await client.unsafe("set max_parallel_maintenance_workers = 2");
  for (const [name, cols] of INDEXES)
    for (const table of ["public.visits", "p.visits"]) {
      const [ms] = await timed(() => client.unsafe(`create index ${name} on ${table} ${cols}`));
      log(`  ${table} ${name} (${(ms / 1000).toFixed(1)} s)`);
    }
  // As a live table is: vacuumed (visibility map set, hint bits written), so that the vacuum measured after the
  // retention delete is the one that delete leaves, not the first ever.
  for (const t of ["public.visits", "p.visits", "p.open_visits", "checkpoints"]) {
    const [ms] = await timed(() => client.unsafe(`vacuum (analyze) ${t}`));
    log(`  vacuum (analyze) ${t} (${(ms / 1000).toFixed(1)} s)`);
  }
}

const walLsn = async (c: postgres.Sql) =>
  (await c<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`)[0]!.lsn;
const walBytes = async (c: postgres.Sql, from: string) =>
  Number(
    (await c<{ n: string }[]>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${from}::pg_lsn) as n`)[0]!.n,
  );
const size = async (c: postgres.Sql, rel: string) =>
  Number((await c<{ n: string }[]>`select pg_total_relation_size(${rel}::regclass) as n`)[0]!.n);
const partitionedSize = async (c: postgres.Sql) =>
  Number(
    (
      await c<{ n: string }[]>`select coalesce(sum(pg_total_relation_size(relid)), 0) as n
        from pg_partition_tree('p.visits') where isleaf`
    )[0]!.n,
  );

/** Medians, ms: the state read, the close-and-insert statement, the transaction with begin and commit. */
export interface CheckinTiming {
  stateMs: number;
  writeMs: number;
  txMs: number;
}

export interface PartitionBenchResult {
  rows: number;
  f1: { plainMs: number; partitionedMs: number; ratio: number; exposures: number };
  /** Partitioned with PostgreSQL's own choice of plans, and with plan_cache_mode = force_generic_plan. */
  checkin: { plain: CheckinTiming; partitioned: CheckinTiming; partitionedGeneric: CheckinTiming };
  retention: {
    rows: number;
    deleteMs: number;
    deleteWal: number;
    vacuumMs: number;
    vacuumWal: number;
    dropMs: number;
    dropWal: number;
    plainBytesBefore: number;
    plainBytesAfter: number;
    partitionedBytesBefore: number;
    partitionedBytesAfter: number;
  };
  holds: boolean;
}

export async function benchPartitions(
  opts: {
    rows?: number;
    databaseUrl?: string;
    prefix?: string;
    /** Leave the database in place (BENCH_KEEP_DB=1), to look at plans by hand; drop it afterwards. */
    keep?: boolean;
    log?: (s: string) => void;
  } = {},
): Promise<PartitionBenchResult> {
  const log = opts.log ?? console.log;
  const rows = opts.rows ?? 20_000_000;
  const url = opts.databaseUrl ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `${opts.prefix ?? "hb"}_bench_partitions_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const client = postgres(u.toString(), { max: 1, onnotice: () => {} });
  const partClient = postgres(u.toString(), {
    max: 1,
    onnotice: () => {},
    connection: { search_path: "p, public" },
  });
  // A partitioned table's custom plans are made again at every execution (a generic plan, which prunes
  // partitions at run time, is costed over all of them and loses): this side shows what forcing it gains.
  const partGeneric = postgres(u.toString(), {
    max: 1,
    onnotice: () => {},
    connection: { search_path: "p, public", plan_cache_mode: "force_generic_plan" },
  });
  try {
    await (await openDatabase({ databaseUrl: u.toString(), dataDir: "" })).close();
    const now = new Date();
    log(`loading ${rows.toLocaleString("en")} visits…`);
    const [loadMs, world] = await timed(async () => {
      const w = await loadPlain(client, rows, now, log);
      const parts = await loadPartitioned(client, now, log);
      await buildIndexes(client, log);
      return { ...w, parts };
    });
    log(`loaded both in ${(loadMs / 1000).toFixed(1)} s`);
    await client.unsafe("checkpoint");

    // --- F1, alternating plain and partitioned runs so that both see the same machine.
    const plainDb = drizzle(client) as unknown as Db;
    const partDb = drizzle(partClient) as unknown as Db;
    const officer = { userId: 0, admin: false, communes: [], provinces: ["01"] };
    const sources = caseSources([CASE_KEY], new Date(now.getTime() - 14 * 86_400_000), now, now);
    const params = {
      now,
      bufferMinutes: 15,
      place: scopeCondition(officer, sql.raw("c.province_code"), sql.raw("c.commune_code")),
      exclude: [CASE_KEY],
    };
    const f1 = { plain: [] as number[], part: [] as number[], found: { plain: 0, part: 0 } };
    for (let i = 0; i < 2; i++) {
      await meetings(plainDb, sources, params);
      await meetings(partDb, sources, params);
    }
    for (let i = 0; i < 9; i++) {
      const [a, outA] = await timed(() => meetings(plainDb, sources, params));
      const [b, outB] = await timed(() => meetings(partDb, sources, params));
      f1.plain.push(a);
      f1.part.push(b);
      f1.found = { plain: outA.length, part: outB.length };
    }
    if (f1.found.plain !== f1.found.part)
      throw new Error(`F1 disagrees: ${f1.found.plain} plain, ${f1.found.part} partitioned`);
    const explain = async (db: Db) => {
      const places = await sourcePlaces(db, sources, params.place);
      const q = sql`explain (analyze, buffers) ${meetingsSql(places, params)}`;
      return (await rawRows(db, q)).map((r) => String(r["QUERY PLAN"])).join("\n");
    };
    const step1 = { plain: [] as number[], part: [] as number[] };
    for (let i = 0; i < 7; i++) {
      step1.plain.push((await timed(() => sourcePlaces(plainDb, sources, params.place)))[0]);
      step1.part.push((await timed(() => sourcePlaces(partDb, sources, params.place)))[0]);
    }
    const planPart = await explain(partDb);
    const f1Plain = median(f1.plain);
    const f1Part = median(f1.part);
    log(
      `\nF1 of a case with ${CASE_VISITS} visits among ${rows.toLocaleString("en")} (${f1.found.plain} exposures)`,
    );
    log(`  plain:       median ${f1Plain.toFixed(1)} ms of ${f1.plain.map((t) => t.toFixed(1)).join(", ")}`);
    log(`  partitioned: median ${f1Part.toFixed(1)} ms of ${f1.part.map((t) => t.toFixed(1)).join(", ")}`);
    log(
      `  of which step 1 (the case's visits and their places): plain ${median(step1.plain).toFixed(1)} ms, partitioned ${median(step1.part).toFixed(1)} ms`,
    );

    // --- Hot check-in statements: a returning visitor with an open visit checks in elsewhere. The plain side
    // runs the app's statements (checkinStateSql, then closing and inserting in one statement); the partitioned
    // side the same through open_visits.
    const ck = await checkinTimings(client, partClient, partGeneric, world.checkpoints, now);
    log("\nCheck-in statements (a visitor with an open visit checks in elsewhere), median ms");
    log("  side: state read / close + insert / transaction with begin and commit");
    const line = (name: string, t: CheckinTiming) =>
      log(`  ${name}: ${t.stateMs.toFixed(3)} / ${t.writeMs.toFixed(3)} / ${t.txMs.toFixed(3)}`);
    line("plain", ck.plain);
    line("partitioned", ck.partitioned);
    line("partitioned, generic plans", ck.partitionedGeneric);

    // --- Retention of the oldest local day.
    const oldest = world.parts[0]!;
    const [counted] = await client<{ n: string }[]>`
      select count(*)::text as n from public.visits where checked_in_at < ${oldest.to.toISOString()}::timestamptz`;
    const dayRows = Number(counted?.n);
    const plainBytesBefore = await size(client, "public.visits");
    const partitionedBytesBefore = await partitionedSize(client);
    await client.unsafe("checkpoint");
    let lsn = await walLsn(client);
    const [deleteMs, deleted] = await timed(() =>
      client.begin(async (tx) => {
        const r =
          await tx`delete from public.visits where checked_in_at < ${oldest.to.toISOString()}::timestamptz`;
        return r.count;
      }),
    );
    const deleteWal = await walBytes(client, lsn);
    await client.unsafe("checkpoint");
    lsn = await walLsn(client);
    const [vacuumMs] = await timed(() => client.unsafe("vacuum public.visits"));
    const vacuumWal = await walBytes(client, lsn);
    const plainBytesAfter = await size(client, "public.visits");
    await client.unsafe("checkpoint");
    lsn = await walLsn(client);
    const [dropMs, dropped] = await timed(() =>
      client.begin(async (tx) => {
        const [row] = await tx.unsafe(`select count(*)::int as n from p.${oldest.name}`);
        await tx.unsafe(`alter table p.visits detach partition p.${oldest.name}`);
        await tx.unsafe(`drop table p.${oldest.name}`);
        return Number(row?.n);
      }),
    );
    const dropWal = await walBytes(client, lsn);
    const partitionedBytesAfter = await partitionedSize(client);
    if (deleted !== Number(dayRows) || dropped !== Number(dayRows))
      throw new Error(`retention disagrees: ${dayRows} rows, ${deleted} deleted, ${dropped} dropped`);
    log(`\nRetention of the oldest local day (${oldest.day}, ${Number(dayRows).toLocaleString("en")} rows)`);
    log(`  delete … where checked_in_at < X: ${deleteMs.toFixed(0)} ms, WAL ${mb(deleteWal)}`);
    log(`    then the vacuum it leaves:      ${vacuumMs.toFixed(0)} ms, WAL ${mb(vacuumWal)}`);
    log(`  count + detach + drop partition:  ${dropMs.toFixed(0)} ms, WAL ${mb(dropWal)}`);
    log(`  plain table ${mb(plainBytesBefore)} → ${mb(plainBytesAfter)} (space kept for reuse)`);
    log(`  partitioned ${mb(partitionedBytesBefore)} → ${mb(partitionedBytesAfter)}`);

    const f1Ratio = f1Part / f1Plain;
    const result: PartitionBenchResult = {
      rows,
      f1: { plainMs: f1Plain, partitionedMs: f1Part, ratio: f1Ratio, exposures: f1.found.plain },
      checkin: ck,
      retention: {
        rows: Number(dayRows),
        deleteMs,
        deleteWal,
        vacuumMs,
        vacuumWal,
        dropMs,
        dropWal,
        plainBytesBefore,
        plainBytesAfter,
        partitionedBytesBefore,
        partitionedBytesAfter,
      },
      holds: f1Ratio <= F1_LIMIT,
    };
    log("\n| measure | plain | partitioned | partitioned ÷ plain |");
    log("|---|---:|---:|---:|");
    log(`| F1 median ms | ${f1Plain.toFixed(1)} | ${f1Part.toFixed(1)} | ${f1Ratio.toFixed(2)} |`);
    const row = (label: string, f: (t: CheckinTiming) => number) =>
      log(
        `| check-in ${label} ms | ${f(ck.plain).toFixed(3)} | ${f(ck.partitioned).toFixed(3)} (generic plans ${f(ck.partitionedGeneric).toFixed(3)}) | ${(f(ck.partitioned) / f(ck.plain)).toFixed(2)} (${(f(ck.partitionedGeneric) / f(ck.plain)).toFixed(2)}) |`,
      );
    row("state read", (t) => t.stateMs);
    row("close + insert", (t) => t.writeMs);
    row("transaction", (t) => t.txMs);
    log(
      `| retention of one day ms | ${deleteMs.toFixed(0)} (+ vacuum ${vacuumMs.toFixed(0)}) | ${dropMs.toFixed(0)} | ${(dropMs / deleteMs).toFixed(3)} (${(dropMs / (deleteMs + vacuumMs)).toFixed(4)} with the vacuum) |`,
    );
    log(
      `| retention WAL | ${mb(deleteWal)} (+ vacuum ${mb(vacuumWal)}) | ${mb(dropWal)} | ${(dropWal / deleteWal).toFixed(4)} |`,
    );
    log(
      `\nF1 partitioned ÷ plain ${f1Ratio.toFixed(2)} (limit ${F1_LIMIT}): ${result.holds ? "holds" : "DOES NOT HOLD"}`,
    );
    log(`\nEXPLAIN (ANALYZE, BUFFERS) of the meetings step on the partitioned table:\n${planPart}`);
    return result;
  } finally {
    await partClient.end({ timeout: 5 });
    await partGeneric.end({ timeout: 5 });
    await client.end({ timeout: 5 });
    if (opts.keep) log(`kept database ${name}`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

/**
 * `n` check-ins per side, alternating: a visitor with an open visit (from the last four hours) checks in at
 * another checkpoint. Times the state read, the close-and-insert statement, and the transaction (begin and
 * commit included). Each side takes its own visitors, so both find an open visit. Statements are prepared and
 * given parameters, as the app sends them.
 */
async function checkinTimings(
  plain: postgres.Sql,
  part: postgres.Sql,
  partGeneric: postgres.Sql,
  checkpoints: number,
  now: Date,
  n = 600,
): Promise<PartitionBenchResult["checkin"]> {
  const open = await plain<{ key: string }[]>`
    select visitor_key as key from public.visits where checked_out_at is null and visitor_key <> ${CASE_KEY}
    order by checked_in_at desc limit ${3 * (n + 20)}`;
  const keys = open.map((r) => r.key);
  const dialect = new PgDialect();
  const dayStart = startOfLocalDay(localDate(now, TZ), TZ);
  const prepared = { prepare: true };
  const plainWrite = `with closed as (
      update visits set checked_out_at = $1, ended_how = 'superseded' where id = $2 returning 1),
    gate as materialized (select count(*) from closed)
    insert into visits (checkpoint_id, visitor_key, method, checked_in_at, auto_checkout_at)
    select $3::bigint, $4::text, 'link', $1::timestamptz, $5::timestamptz from gate returning id`;
  // What the app would read with open_visits: the open visit from it alone (it carries what a check-in needs),
  // today's own check-ins from visits as now (pruned to today's partition).
  const partState = `select json_build_object('today', (select count(*)::int from visits
        where visitor_key = $1 and checked_in_at >= $2::timestamptz and checked_in_by is null
        and checked_in_at <= $3::timestamptz),
      'open', (select json_build_object('id', o.visit_id, 'in', o.checked_in_at, 'checkpointId', o.checkpoint_id,
          'name', c.name, 'auto', o.auto_checkout_at)
        from open_visits o join checkpoints c on c.id = o.checkpoint_id
        where o.visitor_key = $1 for update of o))::text as state`;
  const partWrite = `with closed as (
      update visits set checked_out_at = $1, ended_how = 'superseded'
      where id = $2 and checked_in_at = $6 returning 1),
    gate as materialized (select count(*) from closed),
    v as (insert into visits (checkpoint_id, visitor_key, method, checked_in_at, auto_checkout_at)
      select $3::bigint, $4::text, 'link', $1::timestamptz, $5::timestamptz from gate
      returning id, visitor_key, checked_in_at, checkpoint_id, auto_checkout_at)
    insert into open_visits (visitor_key, visit_id, checked_in_at, checkpoint_id, auto_checkout_at)
    select visitor_key, id, checked_in_at, checkpoint_id, auto_checkout_at from v
    on conflict (visitor_key) do update set visit_id = excluded.visit_id,
      checked_in_at = excluded.checked_in_at, checkpoint_id = excluded.checkpoint_id,
      auto_checkout_at = excluded.auto_checkout_at
    returning visit_id`;
  type Open = { id: number; in?: string };
  type Side = {
    client: postgres.Sql;
    state: (key: string, at: string) => { text: string; params: unknown[] };
    write: (
      o: Open,
      key: string,
      at: string,
      cp: number,
      auto: string,
    ) => { text: string; params: unknown[] };
    times: { state: number[]; write: number[]; tx: number[] };
  };
  const plainSide: Side = {
    client: plain,
    state: (key, at) => {
      const q = dialect.sqlToQuery(sql`select ${checkinStateSql(key, new Date(at), dayStart)} as state`);
      return { text: q.sql, params: q.params };
    },
    write: (o, key, at, cp, auto) => ({ text: plainWrite, params: [at, o.id, cp, key, auto] }),
    times: { state: [], write: [], tx: [] },
  };
  const partSide = (client: postgres.Sql): Side => ({
    client,
    state: (key, at) => ({ text: partState, params: [key, dayStart.toISOString(), at] }),
    write: (o, key, at, cp, auto) => ({ text: partWrite, params: [at, o.id, cp, key, auto, o.in] }),
    times: { state: [], write: [], tx: [] },
  });
  const sides = [plainSide, partSide(part), partSide(partGeneric)];
  const run = async (side: Side, key: string, i: number, keep: boolean) => {
    const at = new Date(now.getTime() + i * 1000).toISOString();
    const cp = 1 + ((i * 7919) % checkpoints);
    const auto = new Date(now.getTime() + i * 1000 + STAY_HOURS * 3_600_000).toISOString();
    const t0 = performance.now();
    let read = 0;
    let written = 0;
    await side.client.begin(async (tx) => {
      const s = side.state(key, at);
      const s0 = performance.now();
      const [row] = await tx.unsafe(s.text, s.params as never[], prepared);
      read = performance.now() - s0;
      const o = (JSON.parse(String(row?.state)) as { open: Open | null }).open;
      if (!o) throw new Error(`no open visit for ${key}`);
      const w = side.write(o, key, at, cp, auto);
      const w0 = performance.now();
      await tx.unsafe(w.text, w.params as never[], prepared);
      written = performance.now() - w0;
    });
    if (!keep) return;
    side.times.state.push(read);
    side.times.write.push(written);
    side.times.tx.push(performance.now() - t0);
  };
  for (let i = 0; i < n + 20; i++)
    for (const [j, side] of sides.entries()) await run(side, keys[sides.length * i + j]!, i, i >= 20);
  const timing = (side: Side): CheckinTiming => ({
    stateMs: median(side.times.state),
    writeMs: median(side.times.write),
    txMs: median(side.times.tx),
  });
  return { plain: timing(sides[0]!), partitioned: timing(sides[1]!), partitionedGeneric: timing(sides[2]!) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv[2] ?? process.env.BENCH_PARTITION_ROWS;
  const result = await benchPartitions({
    rows: arg ? Number(arg) : undefined,
    databaseUrl: process.env.DATABASE_URL,
    prefix: process.env.BENCH_DB_PREFIX,
    keep: process.env.BENCH_KEEP_DB === "1",
  });
  process.exit(result.holds ? 0 : 1);
}
