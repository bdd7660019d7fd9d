import type { DbOrTx } from "../../db/client.js";
import { purgeOutbox } from "./outbox/enqueue.js";
import { purgeJobRuns, type Scheduler } from "./scheduler.js";

export const HOUSEKEEPING_JOB = "housekeeping";

/** Daily: the outbox's and the scheduler's own records older than a month. */
export function scheduleHousekeeping(scheduler: Scheduler, opts: { db: DbOrTx }): void {
  scheduler.every(HOUSEKEEPING_JOB, "30 3 * * *", async ({ at }) => {
    const monthAgo = new Date(at.getTime() - 30 * 86_400_000);
    return {
      outboxRows: await purgeOutbox(opts.db, monthAgo),
      jobRuns: await purgeJobRuns(opts.db, monthAgo),
    };
  });
}
