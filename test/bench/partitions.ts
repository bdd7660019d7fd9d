/**
 * Visits partitioned by local day against the plain table they were before migration 0006, on the same rows
 * in one run (issue 14, item 5):
 *   - F1: the real trace query of bot/features/tracing/query.ts, median ms, partitioned ÷ plain;
 *   - retention of the oldest local day: deleting its rows from the plain table against the app's own
 *     purgeVisits (it counts the day partition's rows, then drops it), in ms and WAL written
 *     (pg_current_wal_lsn() before and after — the whole server's WAL, so other sessions' writes count too),
 *     the tables' size, and the VACUUM that a delete leaves to autovacuum;
 *   - the hot check-in statements: a visitor with an open visit checks in elsewhere — the state read and the
 *     statement that ends the open visit and inserts the new one, in one transaction, median ms.
 * The partitioned table is the real schema, `public.visits` as the migrations make it, with its day partitions
 * made by ensureVisitPartitions and `open_visits`, and the check-in runs the app's own checkinStateSql and
 * checkIn through the app's database handle (statements prepared). The plain table is `plain.visits` as it
 * was before 0006 (primary key id, the unique partial index visits_one_open_idx and visits_due_idx), run with
 * the statements the app sent then, through the same kind of handle; a connection whose search_path starts
 * with `plain` runs the very same F1 query text on it.
 *
 *   npx tsx test/bench/partitions.ts [rows]   (BENCH_PARTITION_ROWS works too; default 20 million)
 *
 * PostgreSQL only (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); the database
 * (BENCH_DB_PREFIX, default "hb", then "_bench_partitions_<pid>") is created and dropped here. Exits 1 when
 * F1 on the partitioned table is more than 1.5 times slower than on the plain one.
 */
import { pathToFileURL } from "node:url";
import { type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { ensureVisitPartitions, visitPartitions } from "../../bot/features/checkpoint/partitions.js";
import { checkIn, checkinState, purgeVisits } from "../../bot/features/checkpoint/visits.js";
import {
  caseSources,
  meetings,
  meetingsSql,
  rawRows,
  sourcePlaces,
} from "../../bot/features/tracing/query.js";
import { localDate, localDayBounds, startOfLocalDay } from "../../bot/shared/local-time.js";
import { scopeCondition } from "../../bot/shared/officer-scope.js";
import type { Database, Db } from "../../db/client.js";
import { openDatabase } from "../../db/client.js";
import type { visits } from "../../db/schema/index.js";
import { CASE_KEY, CASE_VISITS, insertCaseVisits, insertCheckpoints, median, timed } from "./trace-world.js";

export const F1_LIMIT = 1.5;
const TZ = "Asia/Ho_Chi_Minh";
const DAYS = 21;
const STAY_HOURS = 4;

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const INDEXES = [
  ["visits_checkpoint_in_idx", "(checkpoint_id, checked_in_at)"],
  ["visits_user_in_idx", "(user_id, checked_in_at)"],
  ["visits_person_in_idx", "(person_id, checked_in_at)"],
  ["visits_visitor_in_idx", "(visitor_key, checked_in_at)"],
] as const;

/**
 * Checkpoints (a tenth parts of another) and `rows` visits over 21 days in check-in order, as a live table
 * fills, into the real partitioned visits (its day partitions made first by the app's ensureVisitPartitions,
 * from the first day to three days ahead). Visits of the last four hours are still open (one per visitor)
 * and in open_visits. Then the case's 50 visits over the last 14 days.
 */
async function loadPartitioned(
  client: postgres.Sql,
  db: Db,
  rows: number,
  now: Date,
  log: (s: string) => void,
) {
  const checkpoints = Math.max(200, Math.round(rows / 1000));
  const visitors = Math.max(1000, Math.round(rows / 10));
  // The bench's own database: no foreign keys, no autovacuum while loading; the indexes built after.
  for (const fk of await client<{ name: string }[]>`
    select conname as name from pg_constraint where conrelid = 'visits'::regclass and contype = 'f'`)
    await client.unsafe(`alter table visits drop constraint ${fk.name}`);
  await client.unsafe(`drop index ${INDEXES.map(([n]) => n).join(", ")}`);
  await insertCheckpoints(client, checkpoints);
  // From the start of a local day, so that the oldest day is a whole one, as when retention drops it.
  const since = startOfLocalDay(localDate(new Date(now.getTime() - DAYS * 86_400_000), TZ), TZ);
  const made = await ensureVisitPartitions(db, since, TZ, DAYS + 3);
  for (const p of made.created) await client.unsafe(`alter table ${p} set (autovacuum_enabled = false)`);
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
  await insertCaseVisits(client, checkpoints, now);
  await client.unsafe(`insert into open_visits (visitor_key, visit_id, checkpoint_id, user_id, person_id,
      checked_in_at, auto_checkout_at)
    select visitor_key, id, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at from visits
    where checked_out_at is null`);
  return { checkpoints, since, partitions: made.created.length };
}

/** plain.visits: the same rows in the table as it was before migration 0006, with its indexes then. */
async function loadPlain(client: postgres.Sql, log: (s: string) => void) {
  await client.unsafe("create schema plain");
  await client.unsafe(`create table plain.visits (like public.visits including defaults)
    with (autovacuum_enabled = false)`);
  const [ms] = await timed(() => client.unsafe("insert into plain.visits select * from public.visits"));
  log(`  copied into plain.visits (${(ms / 1000).toFixed(1)} s)`);
  await client.unsafe("alter table plain.visits add primary key (id)");
  await client.unsafe(`create unique index visits_one_open_idx on plain.visits (visitor_key)
    where checked_out_at is null`);
  await client.unsafe(`create index visits_due_idx on plain.visits (auto_checkout_at)
    where checked_out_at is null`);
}

async function buildIndexes(client: postgres.Sql, log: (s: string) => void) {
  await client.unsafe("set maintenance_work_mem = '1GB'");
  await client.unsafe("set max_parallel_maintenance_workers = 2");
  for (const [name, cols] of INDEXES)
    for (const table of ["plain.visits", "public.visits"]) {
      const [ms] = await timed(() => client.unsafe(`create index ${name} on ${table} ${cols}`));
      log(`  ${table} ${name} (${(ms / 1000).toFixed(1)} s)`);
    }
  // As a live table is: vacuumed (visibility map set, hint bits written), so that the vacuum measured after the
  // retention delete is the one that delete leaves, not the first ever.
  for (const t of ["plain.visits", "public.visits", "open_visits", "checkpoints"]) {
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
        from pg_partition_tree('public.visits') where isleaf`
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
  partitions: number;
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
  const plainClient = postgres(u.toString(), {
    max: 1,
    onnotice: () => {},
    connection: { search_path: "plain, public" },
  });
  // The app's own handle (migrations, prepared statements), one connection each: as the app runs, and with
  // generic plans forced. A partitioned table's custom plans are made again at every execution (a generic
  // plan, which prunes partitions when it runs, is costed over all of them and loses): the second shows what
  // forcing it would gain.
  const app: Database = await openDatabase({ databaseUrl: u.toString(), dataDir: "", maxConnections: 1 });
  const generic: Database = await openDatabase({ databaseUrl: u.toString(), dataDir: "", maxConnections: 1 });
  // The same handle on the plain table, for the statements of before 0006: both sides go through drizzle.
  const plainApp: Database = await openDatabase({
    databaseUrl: u.toString(),
    dataDir: "",
    maxConnections: 1,
  });
  try {
    await generic.db.execute(sql`set plan_cache_mode = force_generic_plan`);
    await plainApp.db.execute(sql`set search_path = plain, public`);
    const now = new Date();
    log(`loading ${rows.toLocaleString("en")} visits…`);
    const [loadMs, world] = await timed(async () => {
      const w = await loadPartitioned(client, app.db, rows, now, log);
      await loadPlain(client, log);
      await buildIndexes(client, log);
      return w;
    });
    log(`loaded both in ${(loadMs / 1000).toFixed(1)} s (${world.partitions} day partitions)`);
    await client.unsafe("checkpoint");

    // --- F1, alternating plain and partitioned runs so that both see the same machine.
    const plainDb = drizzle(plainClient) as unknown as Db;
    const partDb = drizzle(client) as unknown as Db;
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
    const step1 = { plain: [] as number[], part: [] as number[] };
    for (let i = 0; i < 7; i++) {
      step1.plain.push((await timed(() => sourcePlaces(plainDb, sources, params.place)))[0]);
      step1.part.push((await timed(() => sourcePlaces(partDb, sources, params.place)))[0]);
    }
    const places = await sourcePlaces(partDb, sources, params.place);
    const planPart = (await rawRows(partDb, sql`explain (analyze, buffers) ${meetingsSql(places, params)}`))
      .map((r) => String(r["QUERY PLAN"]))
      .join("\n");
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

    // --- Hot check-in statements.
    const ck = await checkinTimings(plainApp.db, app.db, generic.db, world.checkpoints, now);
    log("\nCheck-in statements (a visitor with an open visit checks in elsewhere), median ms");
    log("  side: state read / close + insert / transaction with begin and commit");
    const line = (label: string, t: CheckinTiming) =>
      log(`  ${label}: ${t.stateMs.toFixed(3)} / ${t.writeMs.toFixed(3)} / ${t.txMs.toFixed(3)}`);
    line("plain (the statements before 0006)", ck.plain);
    line("partitioned (the app's)", ck.partitioned);
    line("partitioned, generic plans", ck.partitionedGeneric);

    // --- Retention of the oldest local day: its partition's upper bound is the cut-off.
    const oldest = (await visitPartitions(app.db)).find((p) => !p.isDefault && p.to !== null)!;
    const cutoff = oldest.to!;
    const [counted] = await client<{ n: string }[]>`
      select count(*)::text as n from plain.visits where checked_in_at < ${cutoff.toISOString()}::timestamptz`;
    const dayRows = Number(counted?.n);
    const plainBytesBefore = await size(client, "plain.visits");
    const partitionedBytesBefore = await partitionedSize(client);
    await client.unsafe("checkpoint");
    let lsn = await walLsn(client);
    const [deleteMs, deleted] = await timed(() =>
      client.begin(async (tx) => {
        const r =
          await tx`delete from plain.visits where checked_in_at < ${cutoff.toISOString()}::timestamptz`;
        return r.count;
      }),
    );
    const deleteWal = await walBytes(client, lsn);
    await client.unsafe("checkpoint");
    lsn = await walLsn(client);
    const [vacuumMs] = await timed(() => client.unsafe("vacuum plain.visits"));
    const vacuumWal = await walBytes(client, lsn);
    const plainBytesAfter = await size(client, "plain.visits");
    await client.unsafe("checkpoint");
    lsn = await walLsn(client);
    const [dropMs, dropped] = await timed(() => app.db.transaction((tx) => purgeVisits(tx, cutoff)));
    const dropWal = await walBytes(client, lsn);
    const partitionedBytesAfter = await partitionedSize(client);
    if (deleted !== dayRows || dropped !== dayRows)
      throw new Error(`retention disagrees: ${dayRows} rows, ${deleted} deleted, ${dropped} dropped`);
    if ((await visitPartitions(app.db)).some((p) => p.name === oldest.name))
      throw new Error(`${oldest.name} was not dropped`);
    log(`\nRetention of the oldest local day (${oldest.name}, ${dayRows.toLocaleString("en")} rows)`);
    log(`  plain: delete … where checked_in_at < X: ${deleteMs.toFixed(0)} ms, WAL ${mb(deleteWal)}`);
    log(`    then the vacuum it leaves:             ${vacuumMs.toFixed(0)} ms, WAL ${mb(vacuumWal)}`);
    log(`  partitioned: purgeVisits (count + drop): ${dropMs.toFixed(0)} ms, WAL ${mb(dropWal)}`);
    log(`  plain table ${mb(plainBytesBefore)} → ${mb(plainBytesAfter)} (space kept for reuse)`);
    log(`  partitioned ${mb(partitionedBytesBefore)} → ${mb(partitionedBytesAfter)}`);

    const f1Ratio = f1Part / f1Plain;
    const result: PartitionBenchResult = {
      rows,
      partitions: world.partitions,
      f1: { plainMs: f1Plain, partitionedMs: f1Part, ratio: f1Ratio, exposures: f1.found.plain },
      checkin: ck,
      retention: {
        rows: dayRows,
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
    await app.close();
    await generic.close();
    await plainApp.close();
    await plainClient.end({ timeout: 5 });
    await client.end({ timeout: 5 });
    if (opts.keep) log(`kept database ${name}`);
    else await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The check-in's state read as the app sent it before migration 0006, when visits was one table. */
function plainStateSql(key: string, now: Date, countSince: Date): SQL {
  return sql`select json_build_object('today', (select count(*)::int from visits
        where visitor_key = ${key} and checked_in_at >= ${countSince.toISOString()}::timestamptz
          and checked_in_by is null and checked_in_at <= ${now.toISOString()}::timestamptz),
      'open', (select json_build_object('id', v.id, 'checkpointId', v.checkpoint_id, 'name', c.name,
          'inMs', (extract(epoch from v.checked_in_at) * 1000)::float8,
          'autoMs', (extract(epoch from v.auto_checkout_at) * 1000)::float8)
        from visits v join checkpoints c on c.id = v.checkpoint_id
        where v.visitor_key = ${key} and v.checked_out_at is null
        for update of v))::text as state`;
}

/** Ending the open visit and inserting the new one as the app did before migration 0006. */
function plainCloseAndInsert(close: { visitId: number; at: Date }, v: typeof visits.$inferInsert): SQL {
  return sql`with closed as (
      update visits set checked_out_at = ${ts(close.at)}, ended_how = 'superseded'
      where id = ${close.visitId} returning 1),
    gate as materialized (select count(*) from closed)
    insert into visits (checkpoint_id, user_id, person_id, visitor_key, visitor_name, visitor_phone, method,
      checked_in_by, checked_in_at, auto_checkout_at)
    select ${v.checkpointId}::bigint, ${v.userId ?? null}::bigint, ${v.personId ?? null}::bigint,
      ${v.visitorKey}::text, ${v.visitorName ?? null}::text, ${v.visitorPhone ?? null}::text, ${v.method}::text,
      ${v.checkedInBy ?? null}::bigint, ${ts(v.checkedInAt)}, ${ts(v.autoCheckoutAt)}
    from gate
    returning id`;
}

/**
 * `n` check-ins per side, taking turns: a visitor with an open visit (from the last four hours) checks in at
 * another checkpoint. Times the state read, the close-and-insert statement, and the transaction (begin and
 * commit included). Each side takes its own visitors, so that every one finds an open visit.
 */
async function checkinTimings(
  plain: Db,
  app: Db,
  generic: Db,
  checkpoints: number,
  now: Date,
  n = 600,
): Promise<PartitionBenchResult["checkin"]> {
  const open = await rawRows(
    plain,
    sql`select visitor_key as key from plain.visits where checked_out_at is null and visitor_key <> ${CASE_KEY}
      order by checked_in_at desc limit ${3 * (n + 20)}`,
  );
  const keys = open.map((r) => String(r.key));
  const day = localDayBounds(now, TZ);
  const dayStart = day.start;
  type Times = { state: number[]; write: number[]; tx: number[] };
  const times = (): Times => ({ state: [], write: [], tx: [] });
  const out = { plain: times(), partitioned: times(), partitionedGeneric: times() };
  const plainSide = async (key: string, at: Date, cp: number, t: Times | null) => {
    const t0 = performance.now();
    let read = 0;
    let written = 0;
    await plain.transaction(async (tx) => {
      const s0 = performance.now();
      const [row] = await rawRows(tx, plainStateSql(key, at, dayStart));
      read = performance.now() - s0;
      const o = (JSON.parse(String(row?.state)) as { open: { id: number; checkpointId: number } | null })
        .open;
      if (!o) throw new Error(`no open visit for ${key}`);
      const w0 = performance.now();
      await rawRows(
        tx,
        plainCloseAndInsert(
          { visitId: o.id, at },
          {
            checkpointId: o.checkpointId === cp ? (cp % checkpoints) + 1 : cp,
            visitorKey: key,
            method: "link",
            checkedInAt: at,
            autoCheckoutAt: new Date(at.getTime() + STAY_HOURS * 3_600_000),
          },
        ),
      );
      written = performance.now() - w0;
    });
    if (!t) return;
    t.state.push(read);
    t.write.push(written);
    t.tx.push(performance.now() - t0);
  };
  const appSide = async (db: Db, key: string, at: Date, cp: number, t: Times | null) => {
    const t0 = performance.now();
    let read = 0;
    let written = 0;
    await db.transaction(async (tx) => {
      const s0 = performance.now();
      const state = await checkinState(tx, key, at, day);
      read = performance.now() - s0;
      if (!state.open) throw new Error(`no open visit for ${key}`);
      const elsewhere = state.open.checkpointId === cp ? (cp % checkpoints) + 1 : cp;
      const w0 = performance.now();
      const outcome = await checkIn(tx, {
        checkpoint: { id: elsewhere, stayMinutes: STAY_HOURS * 60 },
        visitor: { key, userId: null, personId: null },
        method: "link",
        now: at,
        cap: null,
        timeZone: TZ,
        state,
      });
      written = performance.now() - w0;
      if (outcome.kind !== "checked_in") throw new Error(`check-in ${outcome.kind}`);
    });
    if (!t) return;
    t.state.push(read);
    t.write.push(written);
    t.tx.push(performance.now() - t0);
  };
  for (let i = 0; i < n + 20; i++) {
    const at = new Date(now.getTime() + i * 1000);
    // Never the visitor's own checkpoint (that would be "already").
    const cp = 1 + ((i * 7919) % checkpoints);
    const keep = i >= 20; // the first twenty warm up
    await plainSide(keys[3 * i]!, at, cp, keep ? out.plain : null);
    await appSide(app, keys[3 * i + 1]!, at, cp, keep ? out.partitioned : null);
    await appSide(generic, keys[3 * i + 2]!, at, cp, keep ? out.partitionedGeneric : null);
  }
  const timing = (t: Times): CheckinTiming => ({
    stateMs: median(t.state),
    writeMs: median(t.write),
    txMs: median(t.tx),
  });
  return {
    plain: timing(out.plain),
    partitioned: timing(out.partitioned),
    partitionedGeneric: timing(out.partitionedGeneric),
  };
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
