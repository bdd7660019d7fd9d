import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints, openVisits, visits } from "../../../db/schema/index.js";

/** Whose visits are someone's: their own account's, their dependents', and walk-ins filed under their phone. */
export interface VisitOwner {
  userId: number;
  personIds: number[];
  phone: string | null;
}

function ownedBy(o: VisitOwner, t: typeof visits | typeof openVisits = visits): SQL {
  const parts: SQL[] = [eq(t.userId, o.userId)];
  if (o.personIds.length) parts.push(inArray(t.personId, o.personIds));
  if (o.phone) parts.push(eq(t.visitorKey, `w:${o.phone}`));
  return or(...parts) as SQL;
}

export interface HeldVisit {
  place: string;
  address: string;
  checkedInAt: Date;
  checkedOutAt: Date | null;
  method: string;
  /** The dependent's person id, when the visit was theirs. */
  personId: number | null;
}

/** Every visit the bot holds for this owner, newest first: place, in, out. */
export async function visitsHeldFor(db: DbOrTx, o: VisitOwner): Promise<HeldVisit[]> {
  return db
    .select({
      place: checkpoints.name,
      address: checkpoints.address,
      checkedInAt: visits.checkedInAt,
      checkedOutAt: visits.checkedOutAt,
      method: visits.method,
      personId: visits.personId,
    })
    .from(visits)
    .innerJoin(checkpoints, eq(checkpoints.id, visits.checkpointId))
    .where(ownedBy(o))
    .orderBy(visits.checkedInAt);
}

/**
 * Deletes every visit of this owner; a later trace cannot find what is not there. Their open_visits rows go
 * first (in the order every writer of visits takes them).
 */
export async function eraseVisits(db: DbOrTx, o: VisitOwner): Promise<number> {
  await db.delete(openVisits).where(ownedBy(o, openVisits));
  const gone = await db.delete(visits).where(ownedBy(o)).returning({ id: visits.id });
  return gone.length;
}

/** The checkpoints this account registered: places, not people; they stay when the account is erased. */
export async function checkpointsCreatedBy(db: DbOrTx, userId: number): Promise<number> {
  const rows = await db
    .select({ id: checkpoints.id })
    .from(checkpoints)
    .where(and(eq(checkpoints.createdBy, userId)));
  return rows.length;
}
