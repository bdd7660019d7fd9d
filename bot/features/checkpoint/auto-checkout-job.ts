import type { DbOrTx } from "../../../db/client.js";
import type { Scheduler } from "../../platform/scheduler.js";
import { runAutoCheckout } from "./visits.js";

export const AUTO_CHECKOUT_JOB = "auto-checkout";
/**
 * Every five minutes. Reads never wait for it: a visit past its stay already counts as ended (not inside,
 * not "already checked in"); the job only writes that down, stamped with the end of the stay.
 */
export const AUTO_CHECKOUT_CRON = "*/5 * * * *";

/**
 * Closes every visit past its checkpoint's stay, as ended automatically at the end of the stay. Idempotent:
 * a missed tick is caught up by the next one. (Old visits are deleted by the retention job.)
 */
export async function autoCheckout(db: DbOrTx, now: Date): Promise<{ closed: number }> {
  return { closed: await runAutoCheckout(db, now) };
}

/** Schedules the job on the shared scheduler (one run per tick across instances), on the app's clock. */
export function scheduleAutoCheckout(
  scheduler: Scheduler,
  opts: { db: DbOrTx; clock: () => Date; cron?: string },
): void {
  scheduler.every(AUTO_CHECKOUT_JOB, opts.cron ?? AUTO_CHECKOUT_CRON, () =>
    autoCheckout(opts.db, opts.clock()),
  );
}
