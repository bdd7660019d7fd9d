import { lt } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { processedUpdates, traces } from "../../../db/schema/index.js";
import type { Scheduler } from "../../platform/scheduler.js";
import { purgeVisits } from "../checkpoint/index.js";
import { purgeDeclarations, purgeDrafts } from "../declaration/index.js";
import { MONITORING_RETENTION_DAYS, purgeMonitoring } from "../monitoring/index.js";

export const RETENTION_JOB = "retention";
/** Daily at 03:15 local time, when nobody is checking in. */
export const RETENTION_CRON = "15 3 * * *";

export interface RetentionPolicy {
  /** VISIT_RETENTION_DAYS: visits that began longer ago are deleted (default 21: UK 21 d, SafeEntry 25 d). */
  visitDays: number;
  /** MONITORING_RETENTION_DAYS: closed groups and ended memberships, this long after closing (default 14). */
  monitoringDays: number;
  /** TRACE_RETENTION_DAYS: contact traces and their contact lists (default 21, like the visits they came from). */
  traceDays: number;
  /**
   * PROCESSED_UPDATE_RETENTION_DAYS: the ids of handled updates, kept only to drop redeliveries (Telegram
   * keeps an undelivered update 24 hours; default 7).
   */
  processedUpdateDays: number;
  /** DECLARATION_RETENTION_DAYS: declarations this long after they were replaced or expired (default 28). */
  declarationDays: number;
  /** DRAFT_RETENTION_DAYS: unfinished declarations this long after their last answer (default 7). */
  draftDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  visitDays: 21,
  monitoringDays: MONITORING_RETENTION_DAYS,
  traceDays: 21,
  processedUpdateDays: 7,
  declarationDays: 28,
  draftDays: 7,
};

export interface RetentionSummary {
  visits: number;
  monitoringGroups: number;
  monitoringMembers: number;
  traces: number;
  processedUpdates: number;
  declarations: number;
  drafts: number;
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

/**
 * Deletes what is past its age, as of `now`, in one transaction: visits by their check-in time (whole day
 * partitions dropped, the rest deleted; counted either way), closed monitoring records by their closing time,
 * traces by when they were run, processed-update ids by when they were handled, declarations by when they
 * were replaced or expired, drafts by their last answer. Idempotent: a missed day is caught up by the next
 * run.
 */
export async function runRetention(
  db: Db,
  now: Date,
  policy: Partial<RetentionPolicy> = {},
): Promise<RetentionSummary> {
  const p = { ...DEFAULT_RETENTION, ...policy };
  return db.transaction(async (tx) => {
    const removedTraces = await tx
      .delete(traces)
      .where(lt(traces.createdAt, daysBefore(now, p.traceDays)))
      .returning({ id: traces.id });
    const monitoring = await purgeMonitoring(tx, now, p.monitoringDays);
    const declarations = await purgeDeclarations(tx, daysBefore(now, p.declarationDays));
    const drafts = await purgeDrafts(tx, daysBefore(now, p.draftDays));
    const updates = await tx
      .delete(processedUpdates)
      .where(lt(processedUpdates.processedAt, daysBefore(now, p.processedUpdateDays)))
      .returning({ id: processedUpdates.updateId });
    // Last: dropping visits' old day partitions locks visits (check-ins wait) until this commits.
    const visits = await purgeVisits(tx, daysBefore(now, p.visitDays));
    return {
      visits,
      monitoringGroups: monitoring.groups,
      monitoringMembers: monitoring.members,
      traces: removedTraces.length,
      processedUpdates: updates.length,
      declarations,
      drafts,
    };
  });
}

export interface RetentionLogger {
  info(obj: object, msg?: string): void;
}

/** The daily job on the shared scheduler; each run logs what it removed. */
export function scheduleRetention(
  scheduler: Scheduler,
  opts: { db: Db; logger: RetentionLogger; policy?: Partial<RetentionPolicy>; cron?: string },
): void {
  scheduler.every(RETENTION_JOB, opts.cron ?? RETENTION_CRON, async (slot) => {
    const removed = await runRetention(opts.db, slot.at, opts.policy);
    opts.logger.info(
      { job: RETENTION_JOB, removed, policy: { ...DEFAULT_RETENTION, ...opts.policy } },
      "retention: removed",
    );
    return { ...removed };
  });
}
