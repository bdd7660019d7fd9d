import type { Db } from "../../../db/client.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { localDay } from "../../shared/local-time.js";
import { checkpointById } from "../checkpoint/index.js";
import { type Notice, notify } from "../monitoring/index.js";
import { dueReminders } from "./assessments.js";
import { safetyOption } from "./options.js";

export const SAFETY_REMINDERS_JOB = "safety-reminders";
/** Hourly, a few minutes past, so it does not crowd the monitoring reminders on the hour. */
export const SAFETY_REMINDERS_CRON = "7 * * * *";

export interface SafetyReminderDeps {
  db: Db;
  i18n: I18n;
  timeZone: string;
  /** How long before an assessment lapses its managers are told (SAFETY_REMIND_HOURS). */
  remindHours: number;
}

export interface SafetyReminderSummary {
  due: number;
  queued: number;
}

/**
 * Tells the managers of each venue whose assessment lapses within `remindHours` to assess again, with the
 * button that opens the checklist. One notice per assessment and manager (the dedupe key), however many
 * ticks see it due; a lost tick is caught up by the next.
 */
export async function runSafetyReminders(
  deps: SafetyReminderDeps,
  now: Date,
): Promise<SafetyReminderSummary> {
  return deps.db.transaction(async (tx) => {
    const due = await dueReminders(tx, now, deps.remindHours * 3_600_000);
    const notices: Notice[] = [];
    for (const d of due) {
      const cp = await checkpointById(tx, d.checkpointId);
      if (!cp) continue;
      for (const userId of d.managerUserIds)
        notices.push({
          userId,
          dedupeKey: `safety-remind:${d.assessmentId}:${userId}`,
          reply: (t) =>
            text(t("safety:reminder", { name: cp.name, until: localDay(d.validUntil, deps.timeZone) }), {
              options: [
                [{ id: safetyOption({ kind: "start", checkpointId: cp.id }), label: t("safety:assessNow") }],
              ],
            }),
        });
    }
    return { due: due.length, queued: await notify(tx, deps.i18n, notices) };
  });
}
