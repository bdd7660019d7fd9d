/**
 * What the trace and partitions benches load alike: synthetic checkpoints (a tenth of them parts of another)
 * and the case, whose contacts the F1 query looks for, with 50 visits over the last 14 days.
 */
import type postgres from "postgres";

export const CASE_KEY = "u:case";
export const CASE_VISITS = 50;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

/** Checkpoints 1…`count`; the last tenth are parts of the others. */
export async function insertCheckpoints(client: postgres.Sql, count: number): Promise<void> {
  const roots = Math.round(count * 0.9);
  await client.unsafe(`insert into checkpoints (id, parent_id, code, short_code, name, address, kind,
      stay_minutes, province_code, commune_code, created_at)
    select g, case when g > ${roots} then 1 + (g % ${roots}) end, lpad(g::text, 16, 'c'), 'S' || g,
      'Checkpoint ' || g, 'Address ' || g, 'shop', 240, '01', lpad((g % 100)::text, 5, '0'), now()
    from generate_series(1, ${count}) g`);
  await client.unsafe(`select setval('checkpoints_id_seq', ${count})`);
}

/** The case: 50 visits over the 14 days before `now`, about three a day, some at parts of a checkpoint. */
export async function insertCaseVisits(client: postgres.Sql, checkpoints: number, now: Date): Promise<void> {
  await client.unsafe(`insert into visits (checkpoint_id, visitor_key, method, checked_in_at,
      auto_checkout_at, checked_out_at, ended_how)
    select 1 + (i * 7907) % ${checkpoints}, '${CASE_KEY}', 'link', t, t + interval '4 hours',
      t + interval '45 minutes', 'manual'
    from (select i, '${now.toISOString()}'::timestamptz - interval '14 days'
        + i * (interval '14 days' / ${CASE_VISITS + 1}) as t
      from generate_series(1, ${CASE_VISITS}) i) s`);
}
