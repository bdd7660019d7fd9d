/**
 * The check-in rules as pure functions of the visitor's open visit, the clock and today's count: one open
 * visit per person, no duplicate on a re-scan, automatic check-out after the stay, and a daily cap.
 */

export const STAY_MIN_MINUTES = 15;
export const STAY_MAX_MINUTES = 23 * 60 + 45;
export const STAY_DEFAULT_MINUTES = 4 * 60;
/** Check-ins a person may make by themselves in one local day (staff check-ins do not count). */
export const DEFAULT_DAILY_CAP = 30;

export type EndedHow = "manual" | "automatic" | "superseded";

export interface OpenVisit {
  id: number;
  checkpointId: number;
  checkedInAt: Date;
  autoCheckoutAt: Date;
}

export type CheckinDecision =
  /** Inside this very checkpoint already: nothing is created. */
  | { kind: "already"; visitId: number; since: Date }
  | { kind: "capped"; cap: number }
  /** Check in; first end the open visit, if any, at `close.at`. */
  | { kind: "checkin"; close?: { visitId: number; checkpointId: number; at: Date; how: EndedHow } };

export function isValidStay(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= STAY_MIN_MINUTES && minutes <= STAY_MAX_MINUTES;
}

export function autoCheckoutAt(checkedInAt: Date, stayMinutes: number): Date {
  return new Date(checkedInAt.getTime() + stayMinutes * 60_000);
}

/** The stay ran out: the visit counts as ended at `autoCheckoutAt`, whether or not the job has run yet. */
export function autoCheckoutDue(v: Pick<OpenVisit, "autoCheckoutAt">, now: Date): boolean {
  return now.getTime() >= v.autoCheckoutAt.getTime();
}

/**
 * What a check-in at `checkpointId` does. An open visit past its stay ended automatically at its end; one
 * at the same checkpoint answers "already"; one elsewhere is superseded now. The cap (null: none) counts the
 * check-ins the visitor made themselves today and applies only when something would be created.
 */
export function decideCheckin(p: {
  open: OpenVisit | null;
  checkpointId: number;
  now: Date;
  todayCount: number;
  cap: number | null;
}): CheckinDecision {
  const { open, now } = p;
  const expired = open !== null && autoCheckoutDue(open, now);
  if (open && !expired && open.checkpointId === p.checkpointId)
    return { kind: "already", visitId: open.id, since: open.checkedInAt };
  if (p.cap !== null && p.todayCount >= p.cap) return { kind: "capped", cap: p.cap };
  if (!open) return { kind: "checkin" };
  return {
    kind: "checkin",
    close: {
      visitId: open.id,
      checkpointId: open.checkpointId,
      at: expired ? open.autoCheckoutAt : now,
      how: expired ? "automatic" : "superseded",
    },
  };
}

/** How a press of "Check out" ends a visit: now, or — when its stay already ran out — at the end of the stay. */
export function checkoutEnd(v: Pick<OpenVisit, "autoCheckoutAt">, now: Date): { at: Date; how: EndedHow } {
  return autoCheckoutDue(v, now) ? { at: v.autoCheckoutAt, how: "automatic" } : { at: now, how: "manual" };
}

/**
 * A stay typed by a person: "90" (minutes), "1h30", "1:30", "2h", "2 giờ", "45 phút", "3 tiếng". Null when
 * unreadable; the range is checked separately.
 */
export function parseStay(typed: string): number | null {
  const s = typed.trim().toLowerCase().normalize("NFC").replace(/\s+/g, " ");
  let m = /^(\d{1,4})\s*(m|min|mins|minutes|p|ph|phút|phut)?$/.exec(s);
  if (m) return Number(m[1]);
  m = /^(\d{1,2})\s*[:h]\s*(\d{1,2})\s*(m|p|ph|phút|phut)?$/.exec(s);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d{1,2})(?:[.,](\d{1,2}))?\s*(h|hr|hrs|hour|hours|g|giờ|gio|tiếng|tieng)$/.exec(s);
  if (m) return Math.round((Number(m[1]) + (m[2] ? Number(`0.${m[2]}`) : 0)) * 60);
  return null;
}
