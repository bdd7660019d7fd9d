import { and, eq, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { compiled, type Param, ts } from "../../../db/compiled.js";
import { rawRows } from "../../../db/raw.js";
import { checkpoints, visitDisputes, visits } from "../../../db/schema/index.js";
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
 * The visitor's open visit and its checkpoint's name, the visit locked until the transaction ends so that
 * two check-ins cannot interleave.
 */
async function openVisit(db: DbOrTx, key: string): Promise<{ visit: Visit; name: string } | null> {
  const [row] = await db
    .select({ visit: visits, name: checkpoints.name })
    .from(visits)
    .innerJoin(checkpoints, eq(checkpoints.id, visits.checkpointId))
    .where(and(eq(visits.visitorKey, key), isNull(visits.checkedOutAt)))
    .for("update", { of: visits });
  return row ?? null;
}

async function endVisit(db: DbOrTx, id: number, at: Date, how: EndedHow): Promise<void> {
  await db.update(visits).set({ checkedOutAt: at, endedHow: how }).where(eq(visits.id, id));
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
 * with the checkpoint): the visitor's open visit with its checkpoint's name — locked until the transaction
 * ends, so that two check-ins cannot interleave — and, when `countSince` is given, the check-ins the visitor
 * made themselves since then (the local day's start; the daily cap counts these).
 */
export function checkinStateSql(
  key: Param<string>,
  now: Param<Date>,
  countSince: Param<Date> | null,
): SQL<CheckinState> {
  const today = countSince
    ? sql`(select count(*)::int from ${visits}
        where visitor_key = ${key} and checked_in_at >= ${ts(countSince)}
          and checked_in_by is null and checked_in_at <= ${ts(now)})`
    : sql`0`;
  return sql<CheckinState>`json_build_object('today', ${today}, 'open', (
      select json_build_object('id', v.id, 'checkpointId', v.checkpoint_id, 'name', c.name,
        'inMs', (extract(epoch from v.checked_in_at) * 1000)::float8,
        'autoMs', (extract(epoch from v.auto_checkout_at) * 1000)::float8)
      from ${visits} v join ${checkpoints} c on c.id = v.checkpoint_id
      where v.visitor_key = ${key} and v.checked_out_at is null
      for update of v))::text`.mapWith(parseCheckinState);
}

async function checkinState(
  db: DbOrTx,
  key: string,
  now: Date,
  countSince: Date | null,
): Promise<CheckinState> {
  const [row] = await rawRows(db, sql`select ${checkinStateSql(key, now, countSince)} as state`);
  return parseCheckinState(String(row?.state));
}

const INSERT_NAMES = [
  "closeId",
  "closeAt",
  "closeHow",
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

/**
 * Ends the open visit (when `closeId` is given) and inserts the new one in one statement, compiled once. The
 * insert reads the update's count, so the old visit is closed before the new one meets the one-open-visit
 * index.
 */
const CLOSE_AND_INSERT = compiled(
  INSERT_NAMES,
  (p) => sql`with closed as (
      update ${visits} set checked_out_at = ${ts(p.closeAt)}, ended_how = ${p.closeHow}::text
      where id = ${p.closeId}::bigint returning 1),
    gate as materialized (select count(*) from closed)
    insert into ${visits} (checkpoint_id, user_id, person_id, visitor_key, visitor_name, visitor_phone, method,
      checked_in_by, checked_in_at, auto_checkout_at)
    select ${p.checkpointId}::bigint, ${p.userId}::bigint, ${p.personId}::bigint, ${p.visitorKey}::text,
      ${p.visitorName}::text, ${p.visitorPhone}::text, ${p.method}::text, ${p.checkedInBy}::bigint,
      ${ts(p.checkedInAt)}, ${ts(p.autoCheckoutAt)}
    from gate
    returning id`,
);

async function closeAndInsert(
  db: DbOrTx,
  close: { visitId: number; at: Date; how: EndedHow } | undefined,
  v: Omit<Visit, "id" | "checkedOutAt" | "endedHow">,
): Promise<number> {
  const [row] = await CLOSE_AND_INSERT(db, {
    closeId: close?.visitId ?? null,
    closeAt: close?.at.toISOString() ?? null,
    closeHow: close?.how ?? null,
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
  if (!row) throw new Error("visit insert returned nothing");
  return Number(row.id);
}

/** Since when a check-in counts the visitor's own check-ins: the local day's start, unless nothing is capped. */
export function checkinCountSince(
  now: Date,
  timeZone: string,
  cap: number | null,
  byStaff = false,
): Date | null {
  return !byStaff && cap !== null ? localDayBounds(now, timeZone).start : null;
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
    (await checkinState(db, p.visitor.key, p.now, checkinCountSince(p.now, p.timeZone, p.cap, byStaff)));
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
  const id = await closeAndInsert(db, decision.close, values);
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
  const [row] = await db
    .select()
    .from(visits)
    .where(and(eq(visits.id, visitId), eq(visits.userId, userId)))
    .for("update");
  if (!row) return { kind: "none" };
  if (row.checkedOutAt) return { kind: "already", visit: row };
  const end = checkoutEnd(row, now);
  await endVisit(db, row.id, end.at, end.how);
  return { kind: "done", visit: { ...row, checkedOutAt: end.at, endedHow: end.how }, ...end };
}

/** Ends the person's open visit, wherever it is (/checkout). */
export async function checkOutCurrent(db: DbOrTx, userId: number, now: Date): Promise<CheckoutOutcome> {
  const open = await openVisit(db, userVisitor(userId).key);
  return open ? checkOut(db, userId, open.visit.id, now) : { kind: "none" };
}

/** Closes every visit whose stay has run out, as ended automatically at the end of the stay. */
export async function runAutoCheckout(db: DbOrTx, now: Date): Promise<number> {
  const rows = await db
    .update(visits)
    .set({ checkedOutAt: sql`${visits.autoCheckoutAt}`, endedHow: "automatic" })
    .where(and(isNull(visits.checkedOutAt), lte(visits.autoCheckoutAt, now)))
    .returning({ id: visits.id });
  return rows.length;
}

/**
 * Deletes visits that began before `before` (retention), with whatever they held, and the refusals of
 * check-ins made that long ago (they go with the visits they were about). Returns the visits deleted.
 */
export async function purgeVisits(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(visits).where(lt(visits.checkedInAt, before)).returning({ id: visits.id });
  await db.delete(visitDisputes).where(lt(visitDisputes.checkedInAt, before));
  return rows.length;
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
