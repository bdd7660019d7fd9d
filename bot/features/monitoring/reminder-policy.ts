import type { MemberStatus } from "../../../db/schema/index.js";
import { isoDay, localDate, localTime } from "../../shared/local-time.js";

/** A daily report window in minutes after local midnight, [from, to), within one day. */
export interface ReportWindow {
  from: number;
  to: number;
}

export const DEFAULT_WINDOWS: readonly ReportWindow[] = [{ from: 7 * 60, to: 10 * 60 }];
export const EVENING_WINDOW: ReportWindow = { from: 19 * 60, to: 21 * 60 };

/** One report is expected per local day and window: the occasion. */
export interface Occasion {
  /** Local day, "YYYY-MM-DD". */
  date: string;
  window: number;
}

export const occasionKey = (o: Occasion) => `${o.date}#${o.window}`;

export interface SentReminder extends Occasion {
  n: number;
  at: Date;
}

/** What the policy needs to know of a member; the job reads it from the database. */
export interface ReminderMember {
  status: MemberStatus;
  groupClosed: boolean;
  /** Local days "YYYY-MM-DD": reports are due from startsOn up to the day before endsOn. */
  startsOn: string;
  endsOn: string;
  pausedUntil: Date | null;
  windows: readonly ReportWindow[];
  /** Occasions already reported (occasionKey), at least today's. */
  reported: ReadonlySet<string>;
  /** Reminders sent in the last day and a half or so. */
  reminders: readonly SentReminder[];
}

export interface ReminderPolicy {
  /** A window's first reminder never comes within this many hours of the previous first one. */
  minGapHours: number;
  /** The second reminder goes once the window has at most this many minutes left… */
  secondLeadMinutes: number;
  /** …and at least this many minutes after the first. */
  secondAfterMinutes: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  minGapHours: 12,
  secondLeadMinutes: 60,
  secondAfterMinutes: 60,
};

/** The local day and the minute of the day of an instant. */
export function localClock(now: Date, timeZone: string): { date: string; minutes: number } {
  const [h, m] = localTime(now, timeZone).split(":").map(Number);
  return { date: isoDay(localDate(now, timeZone)), minutes: h! * 60 + m! };
}

export function windowAt(windows: readonly ReportWindow[], minutes: number): number | null {
  const i = windows.findIndex((w) => minutes >= w.from && minutes < w.to);
  return i < 0 ? null : i;
}

/**
 * The occasion a report made now counts for: the last window that has opened today (a late report still
 * counts for it), or the first window when none has opened yet (an early report).
 */
export function reportOccasion(windows: readonly ReportWindow[], now: Date, timeZone: string): Occasion {
  const { date, minutes } = localClock(now, timeZone);
  let window = 0;
  windows.forEach((w, i) => {
    if (w.from <= minutes) window = i;
  });
  return { date, window };
}

/** Whether the member is followed on this local day (not before the start, released on the end day). */
export function isMonitoredOn(m: Pick<ReminderMember, "startsOn" | "endsOn">, date: string): boolean {
  return m.startsOn <= date && date < m.endsOn;
}

interface RuleInput {
  m: ReminderMember;
  now: Date;
  date: string;
  minutes: number;
  window: number | null;
  policy: ReminderPolicy;
}

/** Sara Alert's way: named eligibility rules, checked in order; the first that fails says why not. */
const RULES = {
  active: ({ m }: RuleInput) => m.status === "active" && !m.groupClosed,
  inPeriod: ({ m, date }: RuleInput) => isMonitoredOn(m, date),
  notPaused: ({ m, now }: RuleInput) => !m.pausedUntil || m.pausedUntil.getTime() <= now.getTime(),
  insideWindow: ({ window }: RuleInput) => window !== null,
  notReported: ({ m, date, window }: RuleInput) => !m.reported.has(occasionKey({ date, window: window! })),
} as const;

export type ReminderRule = keyof typeof RULES | "remindedIn12h" | "alreadyReminded" | "notNearEnd";

export type ReminderDecision =
  | { due: true; occasion: Occasion; n: 1 | 2 }
  | { due: false; rule: ReminderRule };

/**
 * Whether a reminder is due for the member now: active, in their period, not paused, inside a window, not
 * reported for it. Then the first reminder of the window, unless one for the same window went out in the
 * last 12 hours; or, once the window is near its end, a second (and last) one.
 */
export function isReminderDue(
  m: ReminderMember,
  now: Date,
  timeZone: string,
  policy: ReminderPolicy = DEFAULT_REMINDER_POLICY,
): ReminderDecision {
  const { date, minutes } = localClock(now, timeZone);
  const window = windowAt(m.windows, minutes);
  const input: RuleInput = { m, now, date, minutes, window, policy };
  for (const [rule, check] of Object.entries(RULES)) {
    if (!check(input)) return { due: false, rule: rule as ReminderRule };
  }
  const w = window!;
  const occasion = { date, window: w };
  const mine = m.reminders.filter((r) => r.date === date && r.window === w);
  const first = mine.find((r) => r.n === 1);
  if (!first) {
    const since = now.getTime() - policy.minGapHours * 3_600_000;
    const recent = m.reminders.some((r) => r.window === w && r.n === 1 && r.at.getTime() > since);
    return recent ? { due: false, rule: "remindedIn12h" } : { due: true, occasion, n: 1 };
  }
  if (mine.some((r) => r.n === 2)) return { due: false, rule: "alreadyReminded" };
  const left = m.windows[w]!.to - minutes;
  const afterFirst = (now.getTime() - first.at.getTime()) / 60_000;
  if (left > policy.secondLeadMinutes || afterFirst < policy.secondAfterMinutes)
    return { due: false, rule: "notNearEnd" };
  return { due: true, occasion, n: 2 };
}

export const NON_REPORTING_HOURS = 24;

/**
 * Silent for 24 hours: no report since then, counting from the last report or, for someone who never
 * reported, from when they started being followed.
 */
export function isNonReporting(lastReportAt: Date | null, followedSince: Date, now: Date): boolean {
  const from = lastReportAt ?? followedSince;
  return now.getTime() - from.getTime() >= NON_REPORTING_HOURS * 3_600_000;
}

/** "07:00" → 420; null for anything that is not a time of day. */
export function parseClock(s: string): number | null {
  const m = /^\s*(\d{1,2})(?:[:hH.](\d{2})|[hH])?\s*$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2] ?? 0);
  return h <= 24 && mi < 60 && h * 60 + mi <= 24 * 60 ? h * 60 + mi : null;
}

export const formatClock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/**
 * "07:00-10:00" or "7h-10h, 19:00-21:00": one or two windows, each inside one day, in order, not
 * overlapping. Null when unreadable.
 */
export function parseWindows(typed: string): ReportWindow[] | null {
  const parts = typed
    .split(/[,;]|\s+(?:và|and)\s+/i)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 1 || parts.length > 2) return null;
  const windows: ReportWindow[] = [];
  for (const part of parts) {
    const [a, b, ...rest] = part.split(/\s*(?:-|–|—|đến|to)\s*/i);
    if (a === undefined || b === undefined || rest.length > 0) return null;
    const from = parseClock(a);
    const to = parseClock(b);
    if (from === null || to === null || to - from < 30) return null;
    windows.push({ from, to });
  }
  if (windows.length === 2 && windows[1]!.from < windows[0]!.to) return null;
  return windows;
}
