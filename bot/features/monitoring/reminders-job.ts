import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { monitoringGroups, monitoringMembers, monitoringReminders } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { reportsOn } from "./daily-reports.js";
import { formatWindow } from "./format.js";
import { type Notice, notify } from "./notify.js";
import { reportOptions } from "./options.js";
import {
  DEFAULT_REMINDER_POLICY,
  formatClock,
  isReminderDue,
  localClock,
  occasionKey,
  type ReminderPolicy,
  type ReminderRule,
  type ReportWindow,
  type SentReminder,
} from "./reminder-policy.js";

export const REMINDERS_JOB = "monitoring-reminders";
/** Every hour on the hour, in the reporting time zone. */
export const REMINDERS_CRON = "0 * * * *";

export interface ReminderJobDeps {
  db: DbOrTx;
  i18n: I18n;
  timeZone: string;
  policy?: ReminderPolicy;
  /** Members read and decided per transaction (default 1000). */
  batchSize?: number;
}

export interface ReminderSummary {
  /** Members looked at (active, in period, not paused). */
  checked: number;
  first: number;
  second: number;
  /** Members not reminded, by the rule that said no (insideWindow, notReported, remindedIn12h…). */
  skipped: Partial<Record<ReminderRule, number>>;
}

type Candidate = typeof monitoringMembers.$inferSelect & { windows: ReportWindow[] };

/**
 * Queues the reminders due now: for each followed member, the policy decides (reminder-policy.ts);
 * each reminder is stamped in monitoring_reminders and queued in the outbox in one transaction, with the
 * dedupe key `reminder:<member>:<day>:<window>:<n>`, so a tick run twice queues nothing twice.
 */
export async function runReminders(deps: ReminderJobDeps, now: Date): Promise<ReminderSummary> {
  const policy = deps.policy ?? DEFAULT_REMINDER_POLICY;
  const batch = deps.batchSize ?? 1000;
  const today = localClock(now, deps.timeZone).date;
  const summary: ReminderSummary = { checked: 0, first: 0, second: 0, skipped: {} };
  let after = 0;
  for (;;) {
    const candidates: Candidate[] = (
      await deps.db
        .select({ member: monitoringMembers, windows: monitoringGroups.windows })
        .from(monitoringMembers)
        .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
        .where(
          and(
            gt(monitoringMembers.id, after),
            eq(monitoringMembers.status, "active"),
            isNotNull(monitoringMembers.userId),
            isNull(monitoringGroups.closedAt),
            lte(monitoringMembers.startsOn, today),
            gt(monitoringMembers.endsOn, today),
            or(isNull(monitoringMembers.pausedUntil), lte(monitoringMembers.pausedUntil, now)),
          ),
        )
        .orderBy(asc(monitoringMembers.id))
        .limit(batch)
    ).map((r) => ({ ...r.member, windows: r.windows as ReportWindow[] }));
    if (candidates.length === 0) return summary;
    after = candidates.at(-1)!.id;
    summary.checked += candidates.length;
    await deps.db.transaction(async (tx) => {
      const queued = await remindBatch(tx, deps, candidates, now, today, policy);
      summary.first += queued.first;
      summary.second += queued.second;
      for (const [rule, n] of Object.entries(queued.skipped) as [ReminderRule, number][])
        summary.skipped[rule] = (summary.skipped[rule] ?? 0) + n;
    });
  }
}

async function remindBatch(
  tx: DbOrTx,
  deps: ReminderJobDeps,
  members: Candidate[],
  now: Date,
  today: string,
  policy: ReminderPolicy,
): Promise<Pick<ReminderSummary, "first" | "second" | "skipped">> {
  const ids = members.map((m) => m.id);
  const reported = new Map<number, Set<string>>();
  for (const r of await reportsOn(tx, ids, today)) {
    const set = reported.get(r.memberId) ?? new Set<string>();
    set.add(occasionKey({ date: r.localDate, window: r.window }));
    reported.set(r.memberId, set);
  }
  // Enough history for the 12-hour rule and today's first reminders.
  const since = new Date(now.getTime() - 36 * 3_600_000);
  const sent = new Map<number, SentReminder[]>();
  const stamps = await tx
    .select()
    .from(monitoringReminders)
    .where(and(inArray(monitoringReminders.memberId, ids), gt(monitoringReminders.sentAt, since)));
  for (const r of stamps) {
    const list = sent.get(r.memberId) ?? [];
    list.push({ date: r.localDate, window: r.window, n: r.n, at: r.sentAt });
    sent.set(r.memberId, list);
  }
  const names = await groupNames(tx, [...new Set(members.map((m) => m.groupId))]);
  const out: Pick<ReminderSummary, "first" | "second" | "skipped"> = { first: 0, second: 0, skipped: {} };
  const notices: Notice[] = [];
  for (const m of members) {
    const decision = isReminderDue(
      {
        status: m.status,
        groupClosed: false,
        startsOn: m.startsOn,
        endsOn: m.endsOn,
        pausedUntil: m.pausedUntil,
        windows: m.windows,
        reported: reported.get(m.id) ?? new Set(),
        reminders: sent.get(m.id) ?? [],
      },
      now,
      deps.timeZone,
      policy,
    );
    if (!decision.due) {
      out.skipped[decision.rule] = (out.skipped[decision.rule] ?? 0) + 1;
      continue;
    }
    const { occasion, n } = decision;
    // The stamp is the claim: a concurrent run that stamped first wins, this one queues nothing.
    const stamped = await tx
      .insert(monitoringReminders)
      .values({ memberId: m.id, localDate: occasion.date, window: occasion.window, n, sentAt: now })
      .onConflictDoNothing()
      .returning({ n: monitoringReminders.n });
    if (stamped.length === 0) continue;
    if (n === 1) out.first += 1;
    else out.second += 1;
    const window = m.windows[occasion.window]!;
    notices.push({
      userId: m.userId!,
      dedupeKey: `reminder:${m.id}:${occasion.date}:${occasion.window}:${n}`,
      reply: (t) =>
        text(
          [
            t(
              `monitoring:report.reminder.${n === 1 ? "first" : "second"}.${m.personId === null ? "self" : "other"}`,
              {
                who: m.name,
                group: names.get(m.groupId) ?? "",
                window: formatWindow(window),
                end: formatClock(window.to),
              },
            ),
            t("monitoring:report.reminder.tail"),
          ].join("\n"),
          {
            options: [
              [{ id: reportOptions.build("ok", m.id), label: t("monitoring:report.healthy") }],
              [{ id: reportOptions.build("go", m.id), label: t("monitoring:report.reminder.details") }],
            ],
          },
        ),
    });
  }
  await notify(tx, deps.i18n, notices);
  return out;
}

async function groupNames(db: DbOrTx, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: monitoringGroups.id, name: monitoringGroups.name })
    .from(monitoringGroups)
    .where(inArray(monitoringGroups.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
