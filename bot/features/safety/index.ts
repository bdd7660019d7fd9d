import { answerErrors } from "../../core/answer-errors.js";
import type { EffectHandlers, Feature } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { Scheduler } from "../../platform/scheduler.js";
import { localDay } from "../../shared/local-time.js";
import { ForbiddenError } from "../../shared/roles.js";
import { checkpointById, posterOption, type VenueNotes } from "../checkpoint/index.js";
import {
  IncompleteAssessmentError,
  type SafetyStatusRow,
  safetyStatus,
  safetyStatusOf,
  safetyStatusSql,
  saveAssessment,
} from "./assessments.js";
import type { SafetyEffectType } from "./effects.js";
import { createSafetyFlow, safetyIdle } from "./flow.js";
import { safetyHome } from "./home.js";
import { safetyOption } from "./options.js";
import { runSafetyReminders, SAFETY_REMINDERS_CRON, SAFETY_REMINDERS_JOB } from "./reminders-job.js";
import { ratingLabel, statusLine } from "./status-text.js";

/** What other features and app.ts may use: the status of a venue, the checklist, the reminder job. */
export { type SafetyStatus, safetyStatus } from "./assessments.js";
export { CHECKLIST, SAFETY_RATINGS, type SafetyRating, scoreAnswers } from "./checklist.js";
export { runSafetyReminders, SAFETY_REMINDERS_JOB } from "./reminders-job.js";

export const DEFAULT_SAFETY_VALID_DAYS = 7;

export interface SafetyFeatureDeps {
  /** How long an assessment counts (SAFETY_VALID_DAYS). */
  validDays: number;
}

/** Venue COVID-safety self-assessment: /safety, the rating, its validity. */
export function safetyFeature(deps: SafetyFeatureDeps): Feature {
  const effects: Pick<EffectHandlers, SafetyEffectType> = {
    "safety.save": async (e, env) => {
      const { t, timeZone } = env.ctx;
      const a = await saveAssessment(env.tx, {
        actorUserId: env.user.id,
        checkpointId: e.checkpointId,
        answers: e.answers,
        now: env.now,
        validDays: deps.validDays,
      });
      const cp = await checkpointById(env.tx, e.checkpointId);
      const lines = [
        t("safety:saved", {
          name: cp?.name ?? "",
          rating: ratingLabel(t, a.rating),
          score: a.score,
          until: localDay(a.validUntil, timeZone),
        }),
      ];
      const gaps = Object.entries(e.answers).filter(([, v]) => v.answer === "no");
      if (gaps.length > 0) {
        lines.push("", t("safety:gaps"));
        for (const [id] of gaps) lines.push(`• ${t(`safety:short.${id}`)}`);
      }
      return [
        text(lines.join("\n"), {
          options: [[{ id: posterOption(e.checkpointId), label: t("safety:newPoster") }]],
        }),
      ];
    },
  };
  return {
    name: "safety",
    home: safetyHome(),
    flows: [createSafetyFlow()],
    idle: (input) => safetyIdle(input),
    effects: answerErrors(effects, [
      [ForbiddenError, "safety:forbidden"],
      [IncompleteAssessmentError, "safety:incomplete"],
    ]),
  };
}

/** The venue's rating on a visitor's check-in, on the poster, and the checklist button in the manager's menu. */
export function safetyVenueNotes(): VenueNotes {
  return {
    checkin: {
      read: (cp) => safetyStatusSql(cp),
      lines: (row: SafetyStatusRow | null, ctx) => [
        statusLine(safetyStatusOf(row, ctx.now), ctx.t, ctx.timeZone),
      ],
    },
    async poster(tx, cp, ctx, vi) {
      // The poster is regenerated on demand: its date says when the rating it shows was given.
      return statusLine(await safetyStatus(tx, cp.id, ctx.now), vi, ctx.timeZone);
    },
    managerButtons: (checkpointId, ctx) => [
      { id: safetyOption({ kind: "start", checkpointId }), label: ctx.t("safety:menuButton") },
    ],
  };
}

export function scheduleSafetyReminders(
  scheduler: Scheduler,
  deps: {
    db: Parameters<typeof runSafetyReminders>[0]["db"];
    i18n: I18n;
    timeZone: string;
    remindHours: number;
  },
): void {
  scheduler.every(SAFETY_REMINDERS_JOB, SAFETY_REMINDERS_CRON, async (slot) => {
    return { ...(await runSafetyReminders(deps, slot.at)) };
  });
}

export { safetyStatsSection } from "./stats.js";
