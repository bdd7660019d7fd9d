import type { DbOrTx } from "../../../db/client.js";
import type { Scheduler } from "../../platform/scheduler.js";
import { ensureVisitPartitions } from "./partitions.js";

export const VISIT_PARTITIONS_JOB = "visit-partitions";
/**
 * Hourly: the partitions of the next days are there days before they are needed, so one run missed (or a
 * day's outage) changes nothing; a run with nothing to make reads the catalog and takes no lock.
 */
export const VISIT_PARTITIONS_CRON = "7 * * * *";

/** Schedules the making of visits' day partitions ahead (they are made at start too). */
export function scheduleVisitPartitions(
  scheduler: Scheduler,
  opts: { db: DbOrTx; timeZone: string; cron?: string },
): void {
  scheduler.every(VISIT_PARTITIONS_JOB, opts.cron ?? VISIT_PARTITIONS_CRON, async (slot) => {
    const r = await ensureVisitPartitions(opts.db, slot.at, opts.timeZone);
    return { created: r.created.join(" "), skipped: r.skipped.join(" ") };
  });
}
