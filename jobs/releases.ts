import type { I18n } from "../bot/i18n.js";
import {
  MONITORING_RETENTION_DAYS,
  purgeMonitoring,
  type ReleaseSummary,
  releaseDue,
} from "../bot/services/monitoring-release.js";
import { localClock, parseClock } from "../bot/services/reminder-policy.js";
import type { Db } from "../db/client.js";

export const RELEASES_JOB = "monitoring-releases";
/** Hourly, so a missed run is caught up within the hour; releases wait for the release time of day. */
export const RELEASES_CRON = "5 * * * *";
/** People are told they are released in the morning of their end day, not at midnight. */
export const DEFAULT_RELEASE_TIME = "07:00";

export interface ReleaseJobDeps {
  db: Db;
  i18n: I18n;
  timeZone: string;
  /** "HH:MM": no release message before this local time (default 07:00). */
  releaseTime?: string;
  /** Closed records are deleted this many days after they close (default 14). */
  retentionDays?: number;
}

export interface ReleaseRunSummary extends ReleaseSummary {
  purgedGroups: number;
  purgedMembers: number;
}

/**
 * Releases the members whose end day has come (each told once, through the outbox), closes the groups
 * whose end day has come, and purges what closed more than the retention ago. Idempotent.
 */
export async function runReleases(deps: ReleaseJobDeps, now: Date): Promise<ReleaseRunSummary> {
  const releaseAt = parseClock(deps.releaseTime ?? DEFAULT_RELEASE_TIME) ?? 0;
  const due = localClock(now, deps.timeZone).minutes >= releaseAt;
  return deps.db.transaction(async (tx) => {
    const released = due
      ? await releaseDue(tx, deps.i18n, now, deps.timeZone)
      : { released: 0, closedGroups: 0 };
    const purged = await purgeMonitoring(tx, now, deps.retentionDays ?? MONITORING_RETENTION_DAYS);
    return { ...released, purgedGroups: purged.groups, purgedMembers: purged.members };
  });
}
