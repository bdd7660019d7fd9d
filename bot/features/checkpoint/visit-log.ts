import { and, asc, count, eq, getTableColumns, gt, gte, inArray, lt } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints, openVisits, people, users, visits } from "../../../db/schema/index.js";
import { audit } from "../../shared/audit.js";
import { addDays, isoDay, type LocalDate, localDayBounds, startOfLocalDay } from "../../shared/local-time.js";
import { type Checkpoint, requireCheckpointRole } from "./checkpoints.js";
import { refusalsSince } from "./disputes.js";
import type { Visit } from "./visits.js";

/** The checkpoint and every part below it (floors of a building, rooms of a floor). */
export async function subtree(db: DbOrTx, root: Checkpoint): Promise<Checkpoint[]> {
  const out = [root];
  let level = [root.id];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const rows = await db.select().from(checkpoints).where(inArray(checkpoints.parentId, level));
    out.push(...rows);
    level = rows.map((r) => r.id);
  }
  return out;
}

export interface VisitorRow {
  visit: Visit;
  name: string;
  phone: string | null;
  /** self: the account holder; dependent: scanned from a dependent's card; walk_in: by name and phone. */
  who: "self" | "dependent" | "walk_in";
  /** The account whose data this is (the holder, or the dependent's guardian), for the audit log. */
  subjectUserId: number | null;
}

/** Names and phones of visits, read in a few batched queries. */
async function describe(db: DbOrTx, rows: Visit[]): Promise<VisitorRow[]> {
  const userIds = [...new Set(rows.flatMap((v) => (v.userId ? [v.userId] : [])))];
  const personIds = [...new Set(rows.flatMap((v) => (v.personId ? [v.personId] : [])))];
  const selves =
    userIds.length === 0
      ? []
      : await db
          .select({ userId: people.userId, name: people.fullName })
          .from(people)
          .where(and(inArray(people.userId, userIds), eq(people.kind, "self")));
  const persons =
    personIds.length === 0
      ? []
      : await db
          .select({ id: people.id, userId: people.userId, name: people.fullName })
          .from(people)
          .where(inArray(people.id, personIds));
  const holderIds = [...new Set([...userIds, ...persons.map((p) => p.userId)])];
  const phones =
    holderIds.length === 0
      ? []
      : await db.select({ id: users.id, phone: users.phone }).from(users).where(inArray(users.id, holderIds));
  const nameOfUser = new Map(selves.map((s) => [s.userId, s.name]));
  const person = new Map(persons.map((p) => [p.id, p]));
  const phone = new Map(phones.map((p) => [p.id, p.phone]));
  return rows.map((visit) => {
    if (visit.personId && !visit.userId) {
      const p = person.get(visit.personId);
      const holder = p?.userId ?? null;
      return {
        visit,
        name: p?.name ?? "",
        phone: holder ? (phone.get(holder) ?? null) : null,
        who: "dependent",
        subjectUserId: holder,
      };
    }
    if (visit.userId) {
      return {
        visit,
        name: nameOfUser.get(visit.userId) ?? "",
        phone: phone.get(visit.userId) ?? null,
        who: "self",
        subjectUserId: visit.userId,
      };
    }
    return {
      visit,
      name: visit.visitorName ?? "",
      phone: visit.visitorPhone,
      who: "walk_in",
      subjectUserId: null,
    };
  });
}

export interface VisitorSummary {
  checkpoint: Checkpoint;
  /** Inside now (open and within the stay), newest first; names are for initials only. */
  inside: VisitorRow[];
  todayCount: number;
  /** The checkpoint itself first, then each part, with its own counts. */
  places: { checkpoint: Checkpoint; inside: number; today: number }[];
  /** Check-ins staff made by phone that the person refused ("Not me") in the last seven days. */
  refusedThisWeek: number;
}

const WEEK_MS = 7 * 86_400_000;

/** Who is inside now and how many came today, across the checkpoint and its parts. Managers only; audited. */
export async function visitorSummary(
  db: DbOrTx,
  p: { actorUserId: number; checkpointId: number; now: Date; timeZone: string },
): Promise<VisitorSummary> {
  const checkpoint = await requireCheckpointRole(db, p.actorUserId, ["checkpoint_manager"], p.checkpointId);
  const places = await subtree(db, checkpoint);
  const ids = places.map((c) => c.id);
  // The open visits from open_visits (by checkpoint), each joined to its visit in its partition.
  const insideRows = await db
    .select(getTableColumns(visits))
    .from(openVisits)
    .innerJoin(visits, and(eq(visits.id, openVisits.visitId), eq(visits.checkedInAt, openVisits.checkedInAt)))
    .where(and(inArray(openVisits.checkpointId, ids), gt(openVisits.autoCheckoutAt, p.now)))
    .orderBy(asc(openVisits.checkedInAt))
    .limit(500);
  const { start } = localDayBounds(p.now, p.timeZone);
  const today = await db
    .select({ checkpointId: visits.checkpointId, n: count() })
    .from(visits)
    .where(and(inArray(visits.checkpointId, ids), gte(visits.checkedInAt, start)))
    .groupBy(visits.checkpointId);
  const todayBy = new Map(today.map((r) => [r.checkpointId, Number(r.n)]));
  const inside = (await describe(db, insideRows)).reverse();
  const refusedThisWeek = await refusalsSince(db, ids, new Date(p.now.getTime() - WEEK_MS));
  await audit(db, {
    actorUserId: p.actorUserId,
    action: "checkpoint.visitors",
    subjectUserIds: inside.flatMap((r) => (r.subjectUserId ? [r.subjectUserId] : [])),
    scope: { type: "checkpoint", id: String(checkpoint.id) },
    detail: { inside: inside.length },
    at: p.now,
  });
  return {
    checkpoint,
    inside,
    todayCount: [...todayBy.values()].reduce((a, b) => a + b, 0),
    places: places.map((c) => ({
      checkpoint: c,
      inside: insideRows.filter((v) => v.checkpointId === c.id).length,
      today: todayBy.get(c.id) ?? 0,
    })),
    refusedThisWeek,
  };
}

export interface VisitLog {
  checkpoint: Checkpoint;
  names: Map<number, string>;
  rows: VisitorRow[];
  from: string;
  to: string;
}

/** Every visit that began on the local days from `from` to `to` (inclusive). Managers only; audited. */
export async function exportVisits(
  db: DbOrTx,
  p: {
    actorUserId: number;
    checkpointId: number;
    from: LocalDate;
    to: LocalDate;
    now: Date;
    timeZone: string;
  },
): Promise<VisitLog> {
  const checkpoint = await requireCheckpointRole(db, p.actorUserId, ["checkpoint_manager"], p.checkpointId);
  const places = await subtree(db, checkpoint);
  const start = startOfLocalDay(p.from, p.timeZone);
  const end = startOfLocalDay(addDays(p.to, 1), p.timeZone);
  const found = await db
    .select()
    .from(visits)
    .where(
      and(
        inArray(
          visits.checkpointId,
          places.map((c) => c.id),
        ),
        gte(visits.checkedInAt, start),
        lt(visits.checkedInAt, end),
      ),
    )
    .orderBy(asc(visits.checkedInAt), asc(visits.id));
  const rows = await describe(db, found);
  const from = isoDay(p.from);
  const to = isoDay(p.to);
  await audit(db, {
    actorUserId: p.actorUserId,
    action: "checkpoint.export",
    subjectUserIds: rows.flatMap((r) => (r.subjectUserId ? [r.subjectUserId] : [])),
    scope: { type: "checkpoint", id: String(checkpoint.id) },
    detail: { from, to, rows: rows.length },
    at: p.now,
  });
  return { checkpoint, names: new Map(places.map((c) => [c.id, c.name])), rows, from, to };
}
