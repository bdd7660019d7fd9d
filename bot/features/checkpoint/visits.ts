import { and, eq, inArray, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { compiled, compiledPer, type Param, ts } from "../../../db/compiled.js";
import { rawRows } from "../../../db/raw.js";
import { checkpoints, openVisits, visitDisputes, visits } from "../../../db/schema/index.js";
import { audit } from "../../shared/audit.js";
import { localDayBounds } from "../../shared/local-time.js";
import {
  autoCheckoutAt,
  checkoutEnd,
  decideCheckin,
  type EndedHow,
  type OpenVisit,
} from "./checkin-policy.js";
import { type Checkpoint, requireCheckpointRole } from "./checkpoints.js";
import { checkedInWithin, dropVisitPartitionsBefore, hourOf, visitAt } from "./partitions.js";

export type Visit = typeof visits.$inferSelect;

import type { VisitMethod } from "../../../db/schema/index.js";

export type { VisitMethod };

/** Who a visit is for: an account holder, a dependent (person) or a walk-in known by name and phone. */
export interface Visitor {
  key: string;
  userId: number | null;
  personId: number | null;
  name?: string | null;
  phone?: string | null;
}

export const userVisitor = (userId: number): Visitor => ({ key: `u:${userId}`, userId, personId: null });
export const personVisitor = (personId: number): Visitor => ({
  key: `p:${personId}`,
  userId: null,
  personId,
});
export const walkInVisitor = (name: string, phone: string): Visitor => ({
  key: `w:${phone}`,
  userId: null,
  personId: null,
  name,
  phone,
});

export type CheckinOutcome =
  | {
      kind: "checked_in";
      visit: Visit;
      /** The visit this check-in ended, with its checkpoint's name. */
      closed?: { visitId: number; checkpointId: number; name: string; how: EndedHow };
    }
  | { kind: "already"; visitId: number; since: Date }
  | { kind: "capped"; cap: number };

/**
 * The visitor's open visit (its id), its `open_visits` row locked until the transaction ends, so that two
 * check-ins or check-outs of one visitor cannot interleave. Every writer of a visitor's visits locks that row
 * before any visit row, so that they cannot deadlock either.
 */
export async function lockOpenVisit(db: DbOrTx, key: string): Promise<number | null> {
  const [row] = await db
    .select({ visitId: openVisits.visitId })
    .from(openVisits)
    .where(eq(openVisits.visitorKey, key))
    .for("update");
  return row?.visitId ?? null;
}

/** Ends an open visit and removes it from open_visits, in one statement. */
async function endVisit(db: DbOrTx, v: Pick<Visit, "id" | "checkedInAt">, at: Date, how: EndedHow) {
  await db.execute(sql`with ended as (
      update ${visits} set checked_out_at = ${ts(at)}, ended_how = ${how}
      where ${visitAt(v.id, v.checkedInAt)} returning visitor_key, id)
    delete from ${openVisits} o using ended e where o.visitor_key = e.visitor_key and o.visit_id = e.id`);
}

/** What a check-in decides on: the visitor's open visit with its checkpoint's name, and today's own check-ins. */
export interface CheckinState {
  open: (OpenVisit & { name: string }) | null;
  todayCount: number;
}

/** What checkinStateSql read (JSON as text). */
export function parseCheckinState(json: string): CheckinState {
  const r = JSON.parse(json) as {
    today: number;
    open: { id: number; checkpointId: number; name: string; inMs: number; autoMs: number } | null;
  };
  const open = r.open && {
    id: Number(r.open.id),
    checkpointId: Number(r.open.checkpointId),
    checkedInAt: new Date(r.open.inMs),
    autoCheckoutAt: new Date(r.open.autoMs),
    name: r.open.name,
  };
  return { open, todayCount: Number(r.today) };
}

/**
 * The check-in's state as one expression, to be read inside another statement (the check-in flow reads it
 * with the checkpoint): the visitor's open visit with its checkpoint's name, from open_visits — its row
 * locked until the transaction ends, so that two check-ins cannot interleave — and, when `countDay` is
 * given, the check-ins the visitor made themselves that local day up to now (the daily cap counts these; the
 * day's bounds are constants, so that the count is planned once a day, on that day's partition).
 */
export function checkinStateSql(
  key: Param<string>,
  now: Param<Date>,
  countDay: LocalDayBounds | null,
): SQL<CheckinState> {
  const today = countDay
    ? sql`(select count(*)::int from ${visits}
        where visitor_key = ${key} and ${checkedInWithin(countDay.start, countDay.end)}
          and checked_in_by is null and checked_in_at <= ${ts(now)})`
    : sql`0`;
  return sql<CheckinState>`json_build_object('today', ${today}, 'open', (
      select json_build_object('id', o.visit_id, 'checkpointId', o.checkpoint_id, 'name', c.name,
        'inMs', (extract(epoch from o.checked_in_at) * 1000)::float8,
        'autoMs', (extract(epoch from o.auto_checkout_at) * 1000)::float8)
      from ${openVisits} o join ${checkpoints} c on c.id = o.checkpoint_id
      where o.visitor_key = ${key}
      for update of o))::text`.mapWith(parseCheckinState);
}

/** The check-in's state read on its own (one statement), for a check-in that did not read it already. */
export async function checkinState(
  db: DbOrTx,
  key: string,
  now: Date,
  countDay: LocalDayBounds | null,
): Promise<CheckinState> {
  const [row] = await rawRows(db, sql`select ${checkinStateSql(key, now, countDay)} as state`);
  return parseCheckinState(String(row?.state));
}

const NEW_VISIT = [
  "checkpointId",
  "userId",
  "personId",
  "visitorKey",
  "visitorName",
  "visitorPhone",
  "method",
  "checkedInBy",
  "checkedInAt",
  "autoCheckoutAt",
] as const;

type NewVisit = Omit<Visit, "id" | "checkedOutAt" | "endedHow">;

/** The new visit's values, as a SELECT list (the insert reads them from a CTE that orders the writes). */
function newVisitValues(p: Record<(typeof NEW_VISIT)[number], Placeholder>): SQL {
  return sql`${p.checkpointId}::bigint, ${p.userId}::bigint, ${p.personId}::bigint, ${p.visitorKey}::text,
    ${p.visitorName}::text, ${p.visitorPhone}::text, ${p.method}::text, ${p.checkedInBy}::bigint,
    ${ts(p.checkedInAt)}, ${ts(p.autoCheckoutAt)}`;
}

const newVisit = (v: NewVisit) => ({
  checkpointId: v.checkpointId,
  userId: v.userId,
  personId: v.personId,
  visitorKey: v.visitorKey,
  visitorName: v.visitorName,
  visitorPhone: v.visitorPhone,
  method: v.method,
  checkedInBy: v.checkedInBy,
  checkedInAt: v.checkedInAt.toISOString(),
  autoCheckoutAt: v.autoCheckoutAt.toISOString(),
});

const VISIT_COLUMNS = sql.raw(`checkpoint_id, user_id, person_id, visitor_key, visitor_name, visitor_phone,
  method, checked_in_by, checked_in_at, auto_checkout_at`);
const OPEN_COLUMNS = sql.raw(
  "visitor_key, visit_id, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at",
);
const OPEN_FROM_NEW = sql.raw(
  "visitor_key, id, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at",
);
const NEW_RETURNING = sql.raw(
  "id, visitor_key, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at",
);

/**
 * Opens a visit when the visitor has none: the visit and its open_visits row in one statement (compiled once).
 * A check-in of the same visitor racing this one (both found no open visit) fails on open_visits' primary key:
 * one open visit per visitor holds.
 */
const INSERT_OPEN = compiled(
  NEW_VISIT,
  (p) => sql`with v as (
      insert into ${visits} (${VISIT_COLUMNS}) select ${newVisitValues(p)} returning ${NEW_RETURNING}),
    o as (insert into ${openVisits} (${OPEN_COLUMNS}) select ${OPEN_FROM_NEW} from v)
    select id from v`,
);

/**
 * Ends the open visit, inserts the new one and points the visitor's open_visits row (locked by the state read)
 * at it, in one statement. The insert reads the update's count, so that the old visit is closed first. One
 * text per hour the ended visit began in (its partition is found when planning: see visitAt).
 */
const CLOSE_AND_INSERT = compiledPer(
  ["closeId", "closeAt", "closeHow", ...NEW_VISIT] as const,
  (closedIn: Date) => String(hourOf(closedIn)),
  (p, closedIn) => sql`with closed as (
      update ${visits} set checked_out_at = ${ts(p.closeAt)}, ended_how = ${p.closeHow}::text
      where ${visitAt(p.closeId, closedIn)} returning 1),
    gate as materialized (select count(*) from closed),
    v as (
      insert into ${visits} (${VISIT_COLUMNS}) select ${newVisitValues(p)} from gate returning ${NEW_RETURNING}),
    o as (
      insert into ${openVisits} (${OPEN_COLUMNS}) select ${OPEN_FROM_NEW} from v
      on conflict (visitor_key) do update set visit_id = excluded.visit_id,
        checkpoint_id = excluded.checkpoint_id, user_id = excluded.user_id, person_id = excluded.person_id,
        checked_in_at = excluded.checked_in_at, auto_checkout_at = excluded.auto_checkout_at)
    select id from v`,
);

async function insertVisit(
  db: DbOrTx,
  close: { visitId: number; checkedInAt: Date; at: Date; how: EndedHow } | undefined,
  v: NewVisit,
): Promise<number> {
  const [row] = close
    ? await CLOSE_AND_INSERT(
        db,
        { closeId: close.visitId, closeAt: close.at.toISOString(), closeHow: close.how, ...newVisit(v) },
        close.checkedInAt,
      )
    : await INSERT_OPEN(db, newVisit(v));
  if (!row) throw new Error("visit insert returned nothing");
  return Number(row.id);
}

/** The local day of `now` as [start, end). */
export type LocalDayBounds = { start: Date; end: Date };

/** The day whose own check-ins a check-in counts: the local day, unless nothing is capped. */
export function checkinCountDay(
  now: Date,
  timeZone: string,
  cap: number | null,
  byStaff = false,
): LocalDayBounds | null {
  return !byStaff && cap !== null ? localDayBounds(now, timeZone) : null;
}

/**
 * Checks a visitor in, by the rules of checkin-policy: the open visit elsewhere ends, a re-scan of the same
 * place creates nothing, and the daily cap (null: none) limits check-ins a person makes themselves.
 */
export async function checkIn(
  db: DbOrTx,
  p: {
    checkpoint: Pick<Checkpoint, "id" | "stayMinutes">;
    visitor: Visitor;
    method: VisitMethod;
    by?: number | null;
    now: Date;
    cap: number | null;
    timeZone: string;
    /** The state read earlier in this transaction with `checkinStateSql` (for this visitor, counting today's
     * check-ins unless by staff or with no cap); unset: read here. */
    state?: CheckinState;
  },
): Promise<CheckinOutcome> {
  const byStaff = p.by !== undefined && p.by !== null;
  const { open, todayCount } =
    p.state ??
    (await checkinState(db, p.visitor.key, p.now, checkinCountDay(p.now, p.timeZone, p.cap, byStaff)));
  const decision = decideCheckin({
    open,
    checkpointId: p.checkpoint.id,
    now: p.now,
    todayCount,
    cap: byStaff ? null : p.cap,
  });
  if (decision.kind !== "checkin") return decision;
  const values = {
    checkpointId: p.checkpoint.id,
    userId: p.visitor.userId,
    personId: p.visitor.personId,
    visitorKey: p.visitor.key,
    visitorName: p.visitor.name ?? null,
    visitorPhone: p.visitor.phone ?? null,
    method: p.method,
    checkedInBy: p.by ?? null,
    checkedInAt: p.now,
    autoCheckoutAt: autoCheckoutAt(p.now, p.checkpoint.stayMinutes),
  };
  const id = await insertVisit(
    db,
    decision.close && open ? { ...decision.close, checkedInAt: open.checkedInAt } : undefined,
    values,
  );
  const visit: Visit = { ...values, id, checkedOutAt: null, endedHow: null };
  const closed = decision.close && {
    visitId: decision.close.visitId,
    checkpointId: decision.close.checkpointId,
    name: open?.name ?? "",
    how: decision.close.how,
  };
  return { kind: "checked_in", visit, ...(closed ? { closed } : {}) };
}

/** Checks someone in at a checkpoint where the actor is staff or manager; audited. No daily cap. */
export async function staffCheckIn(
  db: DbOrTx,
  p: {
    actorUserId: number;
    checkpointId: number;
    visitor: Visitor;
    method: "staff_qr" | "staff_manual";
    now: Date;
    timeZone: string;
    /** For the audit row: whose data the staff saw. */
    subjectUserId?: number | null;
  },
): Promise<{ outcome: CheckinOutcome; checkpoint: Checkpoint }> {
  const checkpoint = await requireCheckpointRole(
    db,
    p.actorUserId,
    ["checkpoint_staff", "checkpoint_manager"],
    p.checkpointId,
  );
  const outcome = await checkIn(db, {
    checkpoint,
    visitor: p.visitor,
    method: p.method,
    by: p.actorUserId,
    now: p.now,
    cap: null,
    timeZone: p.timeZone,
  });
  await audit(db, {
    actorUserId: p.actorUserId,
    action: p.method === "staff_qr" ? "checkpoint.staffScan" : "checkpoint.staffManual",
    subjectUserIds: p.subjectUserId ? [p.subjectUserId] : [],
    scope: { type: "checkpoint", id: String(p.checkpointId) },
    detail: { visitor: p.visitor.key, result: outcome.kind },
    at: p.now,
  });
  return { outcome, checkpoint };
}

export type CheckoutOutcome =
  | { kind: "done"; visit: Visit; at: Date; how: EndedHow }
  | { kind: "already"; visit: Visit }
  | { kind: "none" };

/** Ends one of the person's own visits (the Check out button); another person's visit is "none". */
export async function checkOut(
  db: DbOrTx,
  userId: number,
  visitId: number,
  now: Date,
): Promise<CheckoutOutcome> {
  const mine = () =>
    db
      .select()
      .from(visits)
      .where(and(eq(visits.id, visitId), eq(visits.userId, userId)))
      .then((rows) => rows[0]);
  const seen = await mine();
  if (!seen) return { kind: "none" };
  if (seen.checkedOutAt) return { kind: "already", visit: seen };
  // The open_visits row first (as every writer takes it), then the visit as it is now.
  if ((await lockOpenVisit(db, seen.visitorKey)) !== visitId) {
    const row = await mine();
    return row ? { kind: "already", visit: row } : { kind: "none" };
  }
  const end = checkoutEnd(seen, now);
  await endVisit(db, seen, end.at, end.how);
  return { kind: "done", visit: { ...seen, checkedOutAt: end.at, endedHow: end.how }, ...end };
}

/** Ends the person's open visit, wherever it is (/checkout). */
export async function checkOutCurrent(db: DbOrTx, userId: number, now: Date): Promise<CheckoutOutcome> {
  const [open] = await db
    .select({ visitId: openVisits.visitId })
    .from(openVisits)
    .where(eq(openVisits.visitorKey, userVisitor(userId).key));
  return open ? checkOut(db, userId, open.visitId, now) : { kind: "none" };
}

/**
 * Closes every visit whose stay has run out, as ended automatically at the end of the stay: their
 * open_visits rows go and their visits are closed in one statement. A check-in holding a row (it is ending
 * or replacing that visit) is waited for, and the row is then skipped if it no longer is due.
 */
export async function runAutoCheckout(db: DbOrTx, now: Date): Promise<number> {
  const rows = await rawRows(
    db,
    sql`with due as (
        delete from ${openVisits} where auto_checkout_at <= ${ts(now)} returning visit_id, checked_in_at)
      update ${visits} v set checked_out_at = v.auto_checkout_at, ended_how = 'automatic'
      from due where v.id = due.visit_id and v.checked_in_at = due.checked_in_at and v.checked_out_at is null
      returning v.id`,
  );
  return rows.length;
}

/**
 * Deletes visits that began before `before` (retention), with whatever they held, and the refusals of
 * check-ins made that long ago (they go with the visits they were about). Whole partitions older than that
 * are dropped first, their rows counted; what is left (the day `before` falls in, the default partition) is
 * deleted row by row. Returns the visits removed, both ways. Dropping locks visits until the transaction
 * ends: the caller does this last and commits.
 */
export async function purgeVisits(db: DbOrTx, before: Date): Promise<number> {
  await db.delete(visitDisputes).where(sql`${visitDisputes.checkedInAt} < ${ts(before)}`);
  // An open visit that old would have ended by itself long ago; its row goes with it.
  await db.delete(openVisits).where(sql`${openVisits.checkedInAt} < ${ts(before)}`);
  const dropped = await dropVisitPartitionsBefore(db, before);
  const [deleted] = await rawRows(
    db,
    sql`with gone as (delete from ${visits} where checked_in_at < ${ts(before)} returning 1)
      select count(*)::int as n from gone`,
  );
  return dropped.rows + Number(deleted?.n ?? 0);
}

/** The checkpoint names of some visits, for messages ("you left X"). */
export async function checkpointNames(db: DbOrTx, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: checkpoints.id, name: checkpoints.name })
    .from(checkpoints)
    .where(inArray(checkpoints.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
