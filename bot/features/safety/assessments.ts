import { and, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints, roleGrants, safetyAssessments } from "../../../db/schema/index.js";
import { lineage, requireCheckpointRole } from "../checkpoint/index.js";
import { type Answers, CHECKLIST, type Checklist, type SafetyRating, scoreAnswers } from "./checklist.js";

export type Assessment = typeof safetyAssessments.$inferSelect;

export class IncompleteAssessmentError extends Error {
  constructor() {
    super("the checklist is not fully answered");
    this.name = "IncompleteAssessmentError";
  }
}

/** Stores a manager's answers; the score and rating are worked out here, never taken from the chat. */
export async function saveAssessment(
  db: DbOrTx,
  p: {
    actorUserId: number;
    checkpointId: number;
    answers: Answers;
    now: Date;
    validDays: number;
    checklist?: Checklist;
  },
): Promise<Assessment> {
  await requireCheckpointRole(db, p.actorUserId, ["checkpoint_manager"], p.checkpointId);
  const list = p.checklist ?? CHECKLIST;
  const result = scoreAnswers(list, p.answers);
  if (!result) throw new IncompleteAssessmentError();
  const [row] = await db
    .insert(safetyAssessments)
    .values({
      checkpointId: p.checkpointId,
      checklistVersion: list.version,
      answers: p.answers,
      score: result.score,
      rating: result.rating,
      assessedBy: p.actorUserId,
      assessedAt: p.now,
      validUntil: new Date(p.now.getTime() + p.validDays * 86_400_000),
    })
    .returning();
  return row!;
}

/**
 * What a visitor, a poster or an officer is told about a place: its rating while the newest assessment is
 * valid, "expired" after, "none" when there never was one. A part without its own assessment shows its
 * building's (`from` is then the ancestor's id).
 */
export type SafetyStatus =
  | { kind: "current"; rating: SafetyRating; score: number; assessedAt: Date; validUntil: Date; from: number }
  | { kind: "expired"; rating: SafetyRating; assessedAt: Date; validUntil: Date; from: number }
  | { kind: "none" };

export async function safetyStatus(db: DbOrTx, checkpointId: number, now: Date): Promise<SafetyStatus> {
  const chain = await lineage(db, checkpointId);
  for (const cp of chain) {
    const [a] = await db
      .select()
      .from(safetyAssessments)
      .where(eq(safetyAssessments.checkpointId, cp.id))
      .orderBy(desc(safetyAssessments.assessedAt), desc(safetyAssessments.id))
      .limit(1);
    if (!a) continue;
    const base = { rating: a.rating, assessedAt: a.assessedAt, validUntil: a.validUntil, from: cp.id };
    return a.validUntil > now ? { kind: "current", score: a.score, ...base } : { kind: "expired", ...base };
  }
  return { kind: "none" };
}

/**
 * `safetyStatus` as one expression over a checkpoint's row, for the statement that reads the checkpoint at a
 * check-in (see the checkpoint's CheckinNote): the newest assessment of the nearest of the checkpoint and its
 * ancestors (8 at most, as `lineage`) that has one, as JSON, or null. `safetyStatusOf` reads it.
 */
export function safetyStatusSql(cp: typeof checkpoints): SQL {
  return sql`(with recursive chain(id, parent_id, depth) as (
      select ${cp.id}, ${cp.parentId}, 0
      union all
      select p.id, p.parent_id, chain.depth + 1 from ${checkpoints} p join chain on p.id = chain.parent_id
      where chain.depth < 7)
    select json_build_object('rating', a.rating, 'score', a.score, 'from', chain.id,
      'atMs', (extract(epoch from a.assessed_at) * 1000)::float8,
      'untilMs', (extract(epoch from a.valid_until) * 1000)::float8)
    from chain cross join lateral (
      select a0.rating, a0.score, a0.assessed_at, a0.valid_until from ${safetyAssessments} a0
      where a0.checkpoint_id = chain.id order by a0.assessed_at desc, a0.id desc limit 1) a
    order by chain.depth limit 1)`;
}

export interface SafetyStatusRow {
  rating: SafetyRating;
  score: number;
  from: number;
  atMs: number;
  untilMs: number;
}

/** The status from what `safetyStatusSql` read. */
export function safetyStatusOf(row: SafetyStatusRow | null, now: Date): SafetyStatus {
  if (!row) return { kind: "none" };
  const base = {
    rating: row.rating,
    assessedAt: new Date(row.atMs),
    validUntil: new Date(row.untilMs),
    from: Number(row.from),
  };
  return base.validUntil > now
    ? { kind: "current", score: row.score, ...base }
    : { kind: "expired", ...base };
}

export interface DueReminder {
  assessmentId: number;
  checkpointId: number;
  validUntil: Date;
  managerUserIds: number[];
}

/**
 * Newest assessments that lapse within `beforeMs` of now and are still valid, with the managers of their
 * checkpoint (or of the building it is part of). A newer assessment replaces an older one, so only the
 * newest of each checkpoint counts.
 */
export async function dueReminders(db: DbOrTx, now: Date, beforeMs: number): Promise<DueReminder[]> {
  const newest = db
    .selectDistinctOn([safetyAssessments.checkpointId], {
      id: safetyAssessments.id,
      checkpointId: safetyAssessments.checkpointId,
      validUntil: safetyAssessments.validUntil,
    })
    .from(safetyAssessments)
    .orderBy(safetyAssessments.checkpointId, desc(safetyAssessments.assessedAt), desc(safetyAssessments.id))
    .as("newest");
  const rows = await db
    .select()
    .from(newest)
    .where(and(gt(newest.validUntil, now), lte(newest.validUntil, new Date(now.getTime() + beforeMs))));
  const out: DueReminder[] = [];
  for (const r of rows) {
    const ids = (await lineage(db, r.checkpointId)).map((c) => String(c.id));
    const managers = await db
      .selectDistinct({ userId: roleGrants.userId })
      .from(roleGrants)
      .where(
        and(
          eq(roleGrants.role, "checkpoint_manager"),
          eq(roleGrants.scopeType, "checkpoint"),
          inArray(roleGrants.scopeId, ids),
        ),
      );
    out.push({
      assessmentId: r.id,
      checkpointId: r.checkpointId,
      validUntil: r.validUntil,
      managerUserIds: managers.map((m) => m.userId),
    });
  }
  return out;
}

/** The newest assessment of each of these checkpoints (their own, not inherited). */
export async function newestOf(db: DbOrTx, checkpointIds: number[]): Promise<Map<number, Assessment>> {
  if (checkpointIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([safetyAssessments.checkpointId])
    .from(safetyAssessments)
    .where(inArray(safetyAssessments.checkpointId, checkpointIds))
    .orderBy(safetyAssessments.checkpointId, desc(safetyAssessments.assessedAt), desc(safetyAssessments.id));
  return new Map(rows.map((r) => [r.checkpointId, r]));
}
