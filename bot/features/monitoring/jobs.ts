import type { Db } from "../../../db/client.js";
import type { I18n } from "../../core/i18n.js";
import type { Scheduler } from "../../platform/scheduler.js";
import { DEFAULT_DIGEST_TIME, DIGEST_JOB, digestCron, runDigest } from "./digest-job.js";
import { RELEASES_CRON, RELEASES_JOB, runReleases } from "./releases-job.js";
import type { ReminderPolicy } from "./reminder-policy.js";
import { REMINDERS_CRON, REMINDERS_JOB, runReminders } from "./reminders-job.js";

export interface MonitoringJobsOptions {
  db: Db;
  i18n: I18n;
  /** TZ_REPORTING; the scheduler must read its cron expressions in the same zone. */
  timeZone: string;
  /** DIGEST_TIME, "HH:MM" (default 10:00). */
  digestTime?: string;
  /** RELEASE_TIME, "HH:MM" (default 07:00). */
  releaseTime?: string;
  policy?: ReminderPolicy;
}

/**
 * The monitoring jobs on the shared scheduler, each tick claimed once across instances. Each works out
 * what is due from the database at the tick's time, so a lost tick is caught up by the next one.
 */
export function scheduleMonitoringJobs(scheduler: Scheduler, o: MonitoringJobsOptions): void {
  const { db, i18n, timeZone } = o;
  scheduler.every(REMINDERS_JOB, REMINDERS_CRON, async (slot) => {
    const s = await runReminders({ db, i18n, timeZone, policy: o.policy }, slot.at);
    return { ...s };
  });
  scheduler.every(DIGEST_JOB, digestCron(o.digestTime ?? DEFAULT_DIGEST_TIME), async (slot) => {
    return runDigest({ db, i18n, timeZone }, slot.at);
  });
  scheduler.every(RELEASES_JOB, RELEASES_CRON, async (slot) => {
    return { ...(await runReleases({ db, i18n, timeZone, releaseTime: o.releaseTime }, slot.at)) };
  });
}

export { DIGEST_JOB, RELEASES_JOB, REMINDERS_JOB };
