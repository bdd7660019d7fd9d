import { isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { monitoringGroups } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { groupManagerIds } from "./groups.js";
import { notify } from "./notify.js";
import { manageOptions } from "./options.js";
import { parseClock } from "./reminder-policy.js";
import { statusText } from "./replies.js";
import { groupStatus } from "./status.js";

export const DIGEST_JOB = "monitoring-digest";
/** Right after the default morning window: who has not reported, and who is silent. */
export const DEFAULT_DIGEST_TIME = "10:00";

/** "10:00" → the cron expression of that time every day ("0 10 * * *"); throws on a bad time. */
export function digestCron(time: string): string {
  const minutes = parseClock(time);
  if (minutes === null || minutes >= 24 * 60) throw new RangeError(`digest time "${time}" is not HH:MM`);
  return `${minutes % 60} ${Math.floor(minutes / 60)} * * *`;
}

export interface DigestJobDeps {
  db: DbOrTx;
  i18n: I18n;
  timeZone: string;
}

/**
 * Sends each manager of each open group the day's summary: symptomatic, silent for 24 hours, not reported
 * today, unreachable, not registered yet, by name. Once per group, manager and day (dedupe key).
 */
export async function runDigest(deps: DigestJobDeps, now: Date): Promise<{ groups: number; queued: number }> {
  const groups = await deps.db.select().from(monitoringGroups).where(isNull(monitoringGroups.closedAt));
  let queued = 0;
  for (const group of groups) {
    const managers = await groupManagerIds(deps.db, group.id);
    if (managers.length === 0) continue;
    const status = await groupStatus(deps.db, group, now, deps.timeZone);
    if (status.followed === 0 && status.unlinked.length === 0) continue;
    queued += await notify(
      deps.db,
      deps.i18n,
      managers.map((userId) => ({
        userId,
        dedupeKey: `digest:${group.id}:${status.date}:${userId}`,
        reply: (t, lang) =>
          text(statusText(status, t, lang, { now, timeZone: deps.timeZone, digest: true }), {
            options: [[{ id: manageOptions.build("view", group.id), label: t("monitoring:alert.open") }]],
          }),
      })),
    );
  }
  return { groups: groups.length, queued };
}
