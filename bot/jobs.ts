import { gt, max } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { outbox } from "../db/schema/index.js";
import type { I18n } from "./core/i18n.js";
import { scheduleAutoCheckout, scheduleVisitPartitions } from "./features/checkpoint/index.js";
import { scheduleMonitoringJobs } from "./features/monitoring/index.js";
import { scheduleRetention } from "./features/retention/index.js";
import { scheduleSafetyReminders } from "./features/safety/index.js";
import type { Config } from "./platform/config.js";
import { scheduleHousekeeping } from "./platform/housekeeping.js";
import type { JobRun, JobSummary, Scheduler } from "./platform/scheduler.js";

export interface JobDeps {
  config: Config;
  db: Db;
  i18n: I18n;
  logger: Logger;
  clock: () => Date;
}

/**
 * Every scheduled job of the product, on one scheduler: what `npm start` runs and what `npm run job` runs
 * by hand. A new feature's job is one more line here.
 */
export function scheduleJobs(scheduler: Scheduler, deps: JobDeps): void {
  const { config, db, i18n, logger, clock } = deps;
  scheduleHousekeeping(scheduler, { db });
  scheduleAutoCheckout(scheduler, { db, clock });
  scheduleVisitPartitions(scheduler, { db, timeZone: config.timeZone });
  scheduleMonitoringJobs(scheduler, { db, i18n, timeZone: config.timeZone, ...config.monitoring });
  scheduleSafetyReminders(scheduler, { db, i18n, timeZone: config.timeZone, ...config.safety });
  scheduleRetention(scheduler, { db, logger, policy: config.retention });
}

/** Every job by name, with its cron expression, as `scheduleJobs` would schedule them. */
export function listJobs(deps: JobDeps): Map<string, { cron: string; run: JobRun }> {
  const jobs = new Map<string, { cron: string; run: JobRun }>();
  const collector: Scheduler = {
    every: (name, cron, run) => void jobs.set(name, { cron, run }),
    runNow: async () => false,
    nextRun: () => null,
    stop: async () => {},
  };
  scheduleJobs(collector, deps);
  return jobs;
}

export interface ManualRun {
  summary: JobSummary;
  /** The outbox messages the run queued (with --dry-run: would have queued). */
  queued: { channel: string; dedupeKey: string; payload: unknown }[];
}

class RolledBack extends Error {}

/**
 * Runs one job now, outside the cron (its tick is not claimed: jobs work out what is due from the
 * database, so a run by hand does what the next tick would). A dry run happens inside a transaction that
 * is rolled back: nothing is sent or changed, and `queued` shows what would have gone out.
 */
export async function runJobByHand(
  deps: JobDeps,
  name: string,
  opts: { at: Date; dryRun?: boolean },
): Promise<ManualRun> {
  if (!listJobs(deps).has(name)) throw new Error(`no job named "${name}"`);
  const slot = { name, key: `manual:${opts.at.toISOString()}`, at: opts.at };
  const run = async (db: Db): Promise<ManualRun> => {
    const [before] = await db.select({ id: max(outbox.id) }).from(outbox);
    const summary =
      (await listJobs({ ...deps, db })
        .get(name)!
        .run(slot)) ?? {};
    const queued = await db
      .select({ channel: outbox.channel, dedupeKey: outbox.dedupeKey, payload: outbox.payload })
      .from(outbox)
      .where(gt(outbox.id, before?.id ?? 0));
    return { summary, queued };
  };
  if (!opts.dryRun) return run(deps.db);
  let result: ManualRun | undefined;
  await deps.db
    .transaction(async (tx) => {
      // A transaction is a handle like the database; the job's own transactions become savepoints in it.
      result = await run(tx as unknown as Db);
      throw new RolledBack();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RolledBack)) throw err;
    });
  return result!;
}
