import { and, count, eq, gt, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { openVisits, roleGrants, visitDisputes, visits } from "../../../db/schema/index.js";
import { type Checkpoint, lineage } from "./checkpoints.js";
import { visitAt } from "./partitions.js";
import { lockOpenVisit, type Visit } from "./visits.js";

export type Refusal =
  | { kind: "removed"; visit: Visit; checkpoint: Checkpoint; reopened: boolean }
  /** The visit is no longer held: refused before (or purged, or erased). */
  | { kind: "gone" }
  /** Not this person's, or not a check-in by name and phone: nothing is done. */
  | { kind: "notYours" };

/**
 * "Not me" on the notice of a staff check-in by phone: the visit goes, and a refusal row (checkpoint, times,
 * staff account; no visitor) stays for the manager. Only the account holder the visit was filed under can
 * refuse it, and only a check-in by name and phone: a scanned personal QR is the person's own proof.
 * When that check-in had ended the person's visit elsewhere, that visit is given back as it would have gone
 * on: open again, or ended automatically at the end of its stay.
 */
export async function refuseStaffVisit(
  db: DbOrTx,
  p: { userId: number; visitId: number; now: Date },
): Promise<Refusal> {
  const [seen] = await db.select().from(visits).where(eq(visits.id, p.visitId));
  if (!seen) return { kind: "gone" };
  if (seen.userId !== p.userId || seen.method !== "staff_manual") return { kind: "notYours" };
  // The visitor's open_visits row first, as every writer of their visits takes it, then the visit itself.
  await lockOpenVisit(db, seen.visitorKey);
  const [visit] = await db.select().from(visits).where(eq(visits.id, p.visitId)).for("update");
  if (!visit) return { kind: "gone" };
  const [checkpoint] = await lineage(db, visit.checkpointId);
  if (!checkpoint) return { kind: "gone" };
  // The visit and, if it was still open, its open_visits row.
  await db.execute(sql`with gone as (
      delete from ${visits} where ${visitAt(visit.id, visit.checkedInAt)} returning visitor_key, id)
    delete from ${openVisits} o using gone g where o.visitor_key = g.visitor_key and o.visit_id = g.id`);
  await db
    .insert(visitDisputes)
    .values({
      checkpointId: visit.checkpointId,
      visitId: visit.id,
      staffUserId: visit.checkedInBy,
      checkedInAt: visit.checkedInAt,
      disputedAt: p.now,
    })
    .onConflictDoNothing();
  const reopened = await restoreSuperseded(db, visit, p.now);
  return { kind: "removed", visit, checkpoint, reopened };
}

/**
 * The visit the refused check-in superseded, back as it would have gone on; false when there is none, or
 * when the person has checked in anywhere since (what they did then stands).
 */
async function restoreSuperseded(db: DbOrTx, refused: Visit, now: Date): Promise<boolean> {
  const [since] = await db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.visitorKey, refused.visitorKey), gt(visits.checkedInAt, refused.checkedInAt)))
    .limit(1);
  if (since) return false;
  const [previous] = await db
    .select()
    .from(visits)
    .where(
      and(
        eq(visits.visitorKey, refused.visitorKey),
        eq(visits.endedHow, "superseded"),
        eq(visits.checkedOutAt, refused.checkedInAt),
      ),
    )
    .limit(1);
  if (!previous) return false;
  const where = visitAt(previous.id, previous.checkedInAt);
  if (previous.autoCheckoutAt.getTime() <= now.getTime()) {
    await db.execute(sql`update ${visits} set checked_out_at = auto_checkout_at, ended_how = 'automatic'
      where ${where}`);
    return true;
  }
  // Open again, and so in open_visits again (the refused visit's row went with it).
  await db.execute(sql`with reopened as (
      update ${visits} set checked_out_at = null, ended_how = null where ${where}
      returning visitor_key, id, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at)
    insert into ${openVisits} (visitor_key, visit_id, checkpoint_id, user_id, person_id, checked_in_at,
      auto_checkout_at)
    select visitor_key, id, checkpoint_id, user_id, person_id, checked_in_at, auto_checkout_at from reopened`);
  return true;
}

/** Check-ins by phone refused since `since` at these checkpoints (a checkpoint and its parts). */
export async function refusalsSince(db: DbOrTx, checkpointIds: number[], since: Date): Promise<number> {
  if (checkpointIds.length === 0) return 0;
  const [row] = await db
    .select({ n: count() })
    .from(visitDisputes)
    .where(and(inArray(visitDisputes.checkpointId, checkpointIds), gte(visitDisputes.disputedAt, since)));
  return Number(row?.n ?? 0);
}

/** Who manages this checkpoint: managers of it or of a checkpoint above it (a floor's building). */
export async function checkpointManagerIds(db: DbOrTx, checkpointId: number): Promise<number[]> {
  const chain = await lineage(db, checkpointId);
  if (chain.length === 0) return [];
  const rows = await db
    .select({ userId: roleGrants.userId })
    .from(roleGrants)
    .where(
      and(
        eq(roleGrants.role, "checkpoint_manager"),
        eq(roleGrants.scopeType, "checkpoint"),
        inArray(
          roleGrants.scopeId,
          chain.map((c) => String(c.id)),
        ),
      ),
    );
  return [...new Set(rows.map((r) => r.userId))];
}
