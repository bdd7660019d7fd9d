import type { Db } from "../../../db/client.js";
import type { I18n } from "../../core/i18n.js";
import { type ReleaseSummary, releaseDue } from "./release.js";
import { localClock, parseClock } from "./reminder-policy.js";

export const RELEASES_JOB = "monitoring-releases";
/** Hourly, so a missed run is caught up within the hour; releases wait for the release time of day. */
export const RELEASES_CRON = "5 * * * *";
/** People are told they are released in the morning of their end day, not at midnight. */
export const DEFAULT_RELEASE_TIME = "07:00";

export interface ReleaseJobDeps {
  db: Db;
  i18n: I18n;
  timeZone: string;
  /** "HH:MM": no release before this local time (default 07:00). */
  releaseTime?: string;
}

/**
 * Releases the members whose end day has come (each told once, through the outbox) and closes the groups
 * whose end day has come. Idempotent. Closed records are purged by the retention job (features/retention,
 * through purgeMonitoring).
 */
export async function runReleases(deps: ReleaseJobDeps, now: Date): Promise<ReleaseSummary> {
  const releaseAt = parseClock(deps.releaseTime ?? DEFAULT_RELEASE_TIME) ?? 0;
  if (localClock(now, deps.timeZone).minutes < releaseAt) return { released: 0, closedGroups: 0 };
  return deps.db.transaction((tx) => releaseDue(tx, deps.i18n, now, deps.timeZone));
}
