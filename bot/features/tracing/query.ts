import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { STAY_MAX_MINUTES } from "../checkpoint/index.js";

/**
 * The overlap queries of contact tracing, in SQL so that PostgreSQL does the work on the visits index:
 * first the source visits with the checkpoints of their place, then the visits meeting each of them.
 *
 * Same place: two checkpoints are the same place when they belong to the same tree (a checkpoint, its
 * sub-checkpoints and theirs: same root). Same time: the contact's visit [in, end) meets the source visit
 * widened by the buffer on both sides. A visit still open counts until now, or until its automatic check-out
 * if that has passed. Visits last at most STAY_MAX_MINUTES, which bounds the index range scan on
 * (checkpoint_id, checked_in_at): a visit that began more than that before the source visit cannot reach it.
 */

export const DEFAULT_BUFFER_MINUTES = 15;

/** One contact visit meeting one source visit (of the case for F1, of an F1 after exposure for F2). */
export interface Exposure {
  sourceKey: string;
  sourceVisitId: number;
  sourceStart: Date;
  sourceEnd: Date;
  visitId: number;
  contactKey: string;
  userId: number | null;
  personId: number | null;
  visitorName: string | null;
  visitorPhone: string | null;
  checkpointId: number;
  start: Date;
  end: Date;
}

export interface OverlapParams {
  now: Date;
  bufferMinutes: number;
  /** Which checkpoints contacts are searched at, on the alias `c` (the officer's scope). */
  place: SQL;
  /** Visitor keys never returned as contacts (the case, and the F1s when looking for F2). */
  exclude: string[];
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const list = (xs: string[]) =>
  xs.length === 0
    ? sql`(null)`
    : sql`(${sql.join(
        xs.map((x) => sql`${x}`),
        sql`, `,
      )})`;
const visitEnd = (alias: string, now: Date) =>
  sql`coalesce(${sql.raw(alias)}.checked_out_at, greatest(least(${sql.raw(alias)}.auto_checkout_at, ${ts(now)}), ${sql.raw(alias)}.checked_in_at))`;
const minutes = (n: number) => sql`(${Math.round(n)}::int * interval '1 minute')`;

/** The source visits of the case: those that were going on at some time in [from, to). */
export function caseSources(keys: string[], from: Date, to: Date, now: Date): SQL {
  return sql`select v.visitor_key as src_key, v.id as src_visit, v.checkpoint_id,
      v.checked_in_at as s, ${visitEnd("v", now)} as e
    from visits v
    where v.visitor_key in ${list(keys)}
      and v.checked_in_at >= ${ts(from)} - ${minutes(STAY_MAX_MINUTES)}
      and v.checked_in_at < ${ts(to)}
      and ${visitEnd("v", now)} > ${ts(from)}`;
}

/**
 * The source visits of F1s for F2: each F1's visits from their exposure on (the visit they were exposed in
 * counts from the exposure only), up to `to`.
 */
export function exposedSources(sources: { key: string; exposedAt: Date }[], to: Date, now: Date): SQL {
  const values = sources.map((s) => sql`(${s.key}::text, ${ts(s.exposedAt)})`);
  return sql`select v.visitor_key as src_key, v.id as src_visit, v.checkpoint_id,
      greatest(v.checked_in_at, x.exposed_at) as s, ${visitEnd("v", now)} as e
    from (values ${sql.join(values, sql`, `)}) as x(key, exposed_at)
    join visits v on v.visitor_key = x.key
      and v.checked_in_at >= x.exposed_at - ${minutes(STAY_MAX_MINUTES)}
      and v.checked_in_at < ${ts(to)}
    where ${visitEnd("v", now)} > x.exposed_at`;
}

/**
 * Step 1: each source visit with every checkpoint of its tree (up to the root, then down to every part)
 * that is inside `place`. Small: a few rows per source visit.
 */
export function sourcePlacesSql(sources: SQL, place: SQL): SQL {
  return sql`with recursive
    src as (${sources}),
    up as (
      select c.id as start_id, c.id, c.parent_id, 0 as depth
        from checkpoints c where c.id in (select checkpoint_id from src)
      union all
      select up.start_id, p.id, p.parent_id, up.depth + 1
        from checkpoints p join up on p.id = up.parent_id where up.depth < 8
    ),
    roots as (select start_id, id as root_id from up where parent_id is null),
    down as (
      select r.root_id as id, r.root_id, 0 as depth from (select distinct root_id from roots) r
      union all
      select c.id, down.root_id, down.depth + 1
        from checkpoints c join down on c.parent_id = down.id where down.depth < 8
    )
    select src.src_key, src.src_visit, d.id as place_id,
      (extract(epoch from src.s) * 1000)::float8 as src_s,
      (extract(epoch from src.e) * 1000)::float8 as src_e
    from src
    join roots r on r.start_id = src.checkpoint_id
    join down d on d.root_id = r.root_id
    join checkpoints c on c.id = d.id
    where ${place}`;
}

/** A source visit and one checkpoint of its place where contacts are looked for. */
export interface SourcePlace {
  srcKey: string;
  srcVisit: number;
  placeId: number;
  start: Date;
  end: Date;
}

/**
 * Step 2: the visits meeting each (source visit, checkpoint), the sources given as a VALUES list. Given
 * as literal rows, their number is known to the planner, which then scans visits(checkpoint_id,
 * checked_in_at) once per row over [start − buffer − longest stay, end + buffer) — or, without that
 * index, hashes one sequential scan. (A single statement with the sources as CTEs misled its estimates into
 * using the index on the checkpoint alone, reading every visit of the place.)
 */
export function meetingsSql(sources: SourcePlace[], p: Omit<OverlapParams, "place">): SQL {
  const buffer = minutes(p.bufferMinutes);
  const values = sources.map(
    (s) =>
      sql`(${s.srcKey}::text, ${s.srcVisit}::bigint, ${s.placeId}::bigint, ${ts(s.start)}, ${ts(s.end)})`,
  );
  return sql`select x.src_key, x.src_visit,
      (extract(epoch from x.s) * 1000)::float8 as src_s,
      (extract(epoch from x.e) * 1000)::float8 as src_e,
      o.id as visit_id, o.visitor_key, o.user_id, o.person_id, o.visitor_name, o.visitor_phone,
      o.checkpoint_id,
      (extract(epoch from o.checked_in_at) * 1000)::float8 as o_s,
      (extract(epoch from ${visitEnd("o", p.now)}) * 1000)::float8 as o_e
    from (values ${sql.join(values, sql`, `)}) as x(src_key, src_visit, place_id, s, e)
    join visits o on o.checkpoint_id = x.place_id
      and o.checked_in_at >= x.s - ${buffer} - ${minutes(STAY_MAX_MINUTES)}
      and o.checked_in_at < x.e + ${buffer}
    where ${visitEnd("o", p.now)} > x.s - ${buffer}
      and o.visitor_key not in ${list(p.exclude)}`;
}

const CHUNK = 1000;

export async function sourcePlaces(db: DbOrTx, sources: SQL, place: SQL): Promise<SourcePlace[]> {
  return (await rawRows(db, sourcePlacesSql(sources, place))).map((r) => ({
    srcKey: String(r.src_key),
    srcVisit: Number(r.src_visit),
    placeId: Number(r.place_id),
    start: new Date(Number(r.src_s)),
    end: new Date(Number(r.src_e)),
  }));
}

/** Both steps: every visit meeting one of the sources at the same place, within the buffer. */
export async function meetings(db: DbOrTx, sources: SQL, p: OverlapParams): Promise<Exposure[]> {
  const places = await sourcePlaces(db, sources, p.place);
  const out: Exposure[] = [];
  for (let i = 0; i < places.length; i += CHUNK)
    out.push(...(await rawRows(db, meetingsSql(places.slice(i, i + CHUNK), p))).map(toExposure));
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.visitId - b.visitId);
}

type Row = Record<string, unknown>;

/** Rows of a raw query, whichever driver (postgres.js gives an array, PGlite an object with rows). */
export async function rawRows(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown;
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toExposure(r: Row): Exposure {
  return {
    sourceKey: String(r.src_key),
    sourceVisitId: Number(r.src_visit),
    sourceStart: new Date(Number(r.src_s)),
    sourceEnd: new Date(Number(r.src_e)),
    visitId: Number(r.visit_id),
    contactKey: String(r.visitor_key),
    userId: num(r.user_id),
    personId: num(r.person_id),
    visitorName: str(r.visitor_name),
    visitorPhone: str(r.visitor_phone),
    checkpointId: Number(r.checkpoint_id),
    start: new Date(Number(r.o_s)),
    end: new Date(Number(r.o_e)),
  };
}

/** F1 exposures: visits meeting the case's visits of [from, to). */
export async function findF1(
  db: DbOrTx,
  p: OverlapParams & { keys: string[]; from: Date; to: Date },
): Promise<Exposure[]> {
  if (p.keys.length === 0) return [];
  return meetings(db, caseSources(p.keys, p.from, p.to, p.now), { ...p, exclude: [...p.keys, ...p.exclude] });
}

/** F2 exposures: visits meeting the F1s' visits after their exposure, up to `to`. */
export async function findF2(
  db: DbOrTx,
  p: OverlapParams & { sources: { key: string; exposedAt: Date }[]; to: Date },
): Promise<Exposure[]> {
  if (p.sources.length === 0) return [];
  return meetings(db, exposedSources(p.sources, p.to, p.now), p);
}

/** The window in which a contact met the source, and for how long they were both there (no buffer). */
export function contactWindow(e: Exposure): { from: Date; to: Date; overlapMinutes: number } {
  const start = Math.max(e.sourceStart.getTime(), e.start.getTime());
  const end = Math.min(e.sourceEnd.getTime(), e.end.getTime());
  return {
    from: new Date(Math.min(start, end)),
    to: new Date(Math.max(start, end)),
    overlapMinutes: Math.max(0, Math.round((end - start) / 60_000)),
  };
}
