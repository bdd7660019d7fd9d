import { purgeVisits, runAutoCheckout } from "../bot/services/visits.js";
import type { DbOrTx } from "../db/client.js";
import type { Scheduler } from "./scheduler.js";

export const AUTO_CHECKOUT_JOB = "auto-checkout";
/** Every five minutes: a visit ends at most five minutes late in the data the job writes (reads never are). */
export const AUTO_CHECKOUT_CRON = "*/5 * * * *";
/** Visits are kept 21 days for tracing, then deleted (UK 21 d, SafeEntry 25 d). */
export const VISIT_RETENTION_DAYS = 21;

export interface AutoCheckoutSummary {
  closed: number;
  purged: number;
}

/**
 * Closes every visit past its checkpoint's stay (as ended automatically at the end of the stay) and deletes
 * visits older than the retention. Idempotent: a missed tick is caught up by the next one.
 */
export async function autoCheckout(
  db: DbOrTx,
  now: Date,
  retentionDays: number = VISIT_RETENTION_DAYS,
): Promise<AutoCheckoutSummary> {
  const closed = await runAutoCheckout(db, now);
  const purged = await purgeVisits(db, new Date(now.getTime() - retentionDays * 86_400_000));
  return { closed, purged };
}

/** Schedules the job on the shared scheduler (one run per tick across instances). */
export function scheduleAutoCheckout(
  scheduler: Scheduler,
  opts: { db: DbOrTx; clock: () => Date; retentionDays?: number; cron?: string },
): void {
  scheduler.every(AUTO_CHECKOUT_JOB, opts.cron ?? AUTO_CHECKOUT_CRON, async () => {
    await autoCheckout(opts.db, opts.clock(), opts.retentionDays);
  });
}

export { runAutoCheckout };
