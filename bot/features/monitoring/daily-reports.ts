import { and, eq, inArray, max } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { dailyReports } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { audit } from "../../shared/audit.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { type ReportValues, reportValues, whoWithRoom } from "./format.js";
import { groupManagerIds } from "./groups.js";
import { asListed, type Membership } from "./members.js";
import { notify } from "./notify.js";
import { manageOptions } from "./options.js";
import { type Occasion, reportOccasion } from "./reminder-policy.js";

export type DailyReport = typeof dailyReports.$inferSelect;

/** Ranges offered as buttons; a typed temperature falls in one of them too. */
export const TEMPERATURE_BANDS = ["normal", "low", "fever", "high"] as const;
export type TemperatureBand = (typeof TEMPERATURE_BANDS)[number];

export const MIN_TEMPERATURE = 340;
export const MAX_TEMPERATURE = 430;
/** 37.5 °C and above is a fever to alert on (Ministry of Health guidance). */
export const FEVER_TENTHS = 375;
/** Below 94 % a manager must know at once (silent hypoxia). */
export const LOW_SPO2 = 94;

export function bandOf(tenths: number): TemperatureBand {
  if (tenths < FEVER_TENTHS) return "normal";
  if (tenths < 385) return "low";
  if (tenths < 395) return "fever";
  return "high";
}

/** "37,8", "37.8°C", "38" → tenths of a degree within 34.0–43.0, or null. */
export function parseTemperature(typed: string): number | null {
  const m = /^\s*(\d{2})(?:[.,](\d))?\s*(?:°\s*c?|độ|do|c)?\s*$/i.exec(typed);
  if (!m) return null;
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? 0);
  return tenths >= MIN_TEMPERATURE && tenths <= MAX_TEMPERATURE ? tenths : null;
}

export function parseSpo2(typed: string): number | null {
  const m = /^\s*(\d{2,3})\s*%?\s*$/.exec(typed);
  const n = m ? Number(m[1]) : Number.NaN;
  return n >= 70 && n <= 100 ? n : null;
}

export type ReportInput = ReportValues & { temperatureBand: TemperatureBand | null };

export const HEALTHY: ReportInput = {
  healthy: true,
  temperatureBand: null,
  temperatureTenths: null,
  symptoms: [],
  spo2: null,
  note: null,
};

/** A symptom, a temperature of 37.5 °C or more, or a low SpO2. */
export function needsAlert(r: ReportInput): boolean {
  if (r.healthy) return false;
  const fever =
    (r.temperatureTenths !== null && r.temperatureTenths >= FEVER_TENTHS) ||
    (r.temperatureBand !== null && r.temperatureBand !== "normal");
  return fever || r.symptoms.length > 0 || (r.spo2 !== null && r.spo2 < LOW_SPO2);
}

export interface SavedReport {
  report: DailyReport;
  occasion: Occasion;
  /** A report for the same window was there and has been replaced. */
  replaced: boolean;
  /** Managers alerted (0 for an ordinary report). */
  alerted: number;
}

/**
 * Stores a report for the occasion it counts for (local day and window), replacing an earlier one of the
 * same window. A report that needs an alert queues one to every manager of the group in this same
 * transaction, so the alert is sent if and only if the report is stored.
 */
export async function saveReport(
  db: DbOrTx,
  i18n: I18n,
  opts: { membership: Membership; reportedBy: number; input: ReportInput; now: Date; timeZone: string },
): Promise<SavedReport> {
  const { member, group } = opts.membership;
  const occasion = reportOccasion(group.windows, opts.now, opts.timeZone);
  const alert = needsAlert(opts.input);
  const values = {
    reportedAt: opts.now,
    reportedBy: opts.reportedBy,
    ...opts.input,
    symptoms: opts.input.healthy ? [] : opts.input.symptoms,
    alert,
  };
  const [before] = await db
    .select({ id: dailyReports.id })
    .from(dailyReports)
    .where(
      and(
        eq(dailyReports.memberId, member.id),
        eq(dailyReports.localDate, occasion.date),
        eq(dailyReports.window, occasion.window),
      ),
    );
  const [report] = await db
    .insert(dailyReports)
    .values({ memberId: member.id, localDate: occasion.date, window: occasion.window, ...values })
    .onConflictDoUpdate({
      target: [dailyReports.memberId, dailyReports.localDate, dailyReports.window],
      set: values,
    })
    .returning();
  if (!report) throw new Error("report upsert returned nothing");
  let alerted = 0;
  if (alert) {
    const managers = await groupManagerIds(db, group.id);
    const [listed = member] = await asListed(db, [member]);
    alerted = managers.length;
    await notify(
      db,
      i18n,
      managers.map((userId) => ({
        userId,
        dedupeKey: `alert:${report.id}:${opts.now.getTime()}:${userId}`,
        reply: (t, lang) =>
          text(
            t("monitoring:alert.text", {
              group: group.name,
              who: whoWithRoom(listed.name, listed.room, t, listed.phone),
              time: `${localTime(opts.now, opts.timeZone)} ${localDay(opts.now, opts.timeZone)}`,
              values: reportValues(opts.input, t, lang),
            }),
            { options: [[{ id: manageOptions.build("view", group.id), label: t("monitoring:alert.open") }]] },
          ),
      })),
    );
    // The alert shows a member's health to each manager, as the digest does: audited the same way.
    for (const userId of managers)
      await audit(db, {
        actorUserId: userId,
        action: "monitoring.alert",
        subjectUserIds: member.userId === null ? [] : [member.userId],
        scope: { type: "group", id: String(group.id) },
        detail: { reportId: report.id },
        at: opts.now,
      });
  }
  return { report, occasion, replaced: Boolean(before), alerted };
}

/** The reports of these members on one local day. */
export async function reportsOn(db: DbOrTx, memberIds: number[], date: string): Promise<DailyReport[]> {
  const out: DailyReport[] = [];
  for (let i = 0; i < memberIds.length; i += 1000) {
    out.push(
      ...(await db
        .select()
        .from(dailyReports)
        .where(
          and(inArray(dailyReports.memberId, memberIds.slice(i, i + 1000)), eq(dailyReports.localDate, date)),
        )),
    );
  }
  return out;
}

/** When each member last reported (members who never did are absent). */
export async function lastReports(db: DbOrTx, memberIds: number[]): Promise<Map<number, Date>> {
  const out = new Map<number, Date>();
  for (let i = 0; i < memberIds.length; i += 1000) {
    const rows = await db
      .select({ memberId: dailyReports.memberId, at: max(dailyReports.reportedAt) })
      .from(dailyReports)
      .where(inArray(dailyReports.memberId, memberIds.slice(i, i + 1000)))
      .groupBy(dailyReports.memberId);
    for (const r of rows) if (r.at) out.set(r.memberId, r.at instanceof Date ? r.at : new Date(String(r.at)));
  }
  return out;
}
