import { isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { monitoringGroups } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { audit } from "../../shared/audit.js";
import { groupManagerIds } from "./groups.js";
import { notify } from "./notify.js";
import { manageOptions } from "./options.js";
import { parseClock } from "./reminder-policy.js";
import { statusText } from "./replies.js";
import { type GroupStatus, groupStatus } from "./status.js";

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

/** The members a digest names (the reported are only counted in it). */
function namedIn(status: GroupStatus): number[] {
  const lines = [...status.symptomatic, ...status.silent, ...status.notYet, ...status.unreachable];
  return [...lines.map((l) => l.member), ...status.unlinked].flatMap((m) =>
    m.userId === null ? [] : [m.userId],
  );
}

/**
 * Sends each manager of each open group the day's summary: symptomatic, silent for 24 hours, not reported
 * today, unreachable, not registered yet, by name. Once per group, manager and day (dedupe key). A digest
 * hands members' names and health to a manager, so each one queued is audited like the manager's own look
 * at the group (actor: the manager; subjects: the members it names; scope: the group).
 */
export async function runDigest(deps: DigestJobDeps, now: Date): Promise<{ groups: number; queued: number }> {
  const groups = await deps.db.select().from(monitoringGroups).where(isNull(monitoringGroups.closedAt));
  let queued = 0;
  for (const group of groups) {
    const managers = await groupManagerIds(deps.db, group.id);
    if (managers.length === 0) continue;
    const status = await groupStatus(deps.db, group, now, deps.timeZone);
    if (status.followed === 0 && status.unlinked.length === 0) continue;
    const subjects = namedIn(status);
    for (const userId of managers) {
      // Queued and audited together: a digest is in the outbox exactly when its audit row is in the log.
      queued += await deps.db.transaction(async (tx) => {
        const added = await notify(tx, deps.i18n, [
          {
            userId,
            dedupeKey: `digest:${group.id}:${status.date}:${userId}`,
            reply: (t, lang) =>
              text(statusText(status, t, lang, { now, timeZone: deps.timeZone, digest: true }), {
                options: [[{ id: manageOptions.build("view", group.id), label: t("monitoring:alert.open") }]],
              }),
          },
        ]);
        // Already queued today (a re-run, another instance): audited then.
        if (added > 0)
          await audit(tx, {
            actorUserId: userId,
            action: "monitoring.digest",
            subjectUserIds: subjects,
            scope: { type: "group", id: String(group.id) },
            detail: { day: status.date },
            at: now,
          });
        return added;
      });
    }
  }
  return { groups: groups.length, queued };
}
