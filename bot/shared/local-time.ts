/** Local calendar days and clock times in a time zone (UTC is kept in the database). */

export interface LocalDate {
  y: number;
  mo: number;
  d: number;
}

/**
 * One formatter per time zone, kept: building an Intl.DateTimeFormat costs tens of microseconds (it loads ICU
 * data) and a check-in's daily-cap bounds need seven wall-clock readings. Formatters are immutable.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The zone's offset from UTC, in ms, kept per quarter hour of UTC time: zones change their offset on the
 * hour, the half or the quarter hour, so one reading holds for the whole quarter. formatToParts costs about
 * ten microseconds and a check-in needs a dozen wall-clock readings; this turns them into arithmetic.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetAt(ms: number, timeZone: string): number {
  const start = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone} ${start}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts = formatter(timeZone).formatToParts(new Date(start));
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    offset = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - start;
    if (offsets.size >= 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function wallClock(at: Date, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const local = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
  return {
    y: local.getUTCFullYear(),
    mo: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    h: local.getUTCHours(),
    mi: local.getUTCMinutes(),
  };
}

/** The instant a local calendar day starts in a time zone (handles offsets, including DST zones). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const target = Date.UTC(date.y, date.mo - 1, date.d);
  let guess = target;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    guess += target - shown;
  }
  return new Date(guess);
}

/** The local calendar date of an instant: { y, mo, d }. */
export function localDate(at: Date, timeZone: string): LocalDate {
  const { y, mo, d } = wallClock(at, timeZone);
  return { y, mo, d };
}

/** [start, end) of the local day that contains `now`. */
export function localDayBounds(now: Date, timeZone: string): { start: Date; end: Date } {
  const day = localDate(now, timeZone);
  return { start: startOfLocalDay(day, timeZone), end: startOfLocalDay(addDays(day, 1), timeZone) };
}

/** The calendar date `n` days after (or before, when negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.mo - 1, date.d + n));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** "2021-08-01", for file names. */
export function isoDay(date: LocalDate): string {
  return `${date.y}-${String(date.mo).padStart(2, "0")}-${String(date.d).padStart(2, "0")}`;
}

/** "14:05" in the time zone. */
export function localTime(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${String(w.h).padStart(2, "0")}:${String(w.mi).padStart(2, "0")}`;
}

/** "26/11/2026" in the time zone. */
export function localDay(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${String(w.d).padStart(2, "0")}/${String(w.mo).padStart(2, "0")}/${w.y}`;
}

/**
 * A date range typed as "1/8/2021 - 14/8/2021", "01/08 - 14/08" (this year) or one day "1/8/2021"; days are
 * local. Null when unreadable or the end is before the start.
 */
export function parseDateRange(
  typed: string,
  now: Date,
  timeZone: string,
): { from: LocalDate; to: LocalDate } | null {
  const year = localDate(now, timeZone).y;
  const dates = typed.match(/\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?/g) ?? [];
  if (dates.length < 1 || dates.length > 2) return null;
  const parsed = dates.map((s) => {
    const [d, mo, y] = s.split(/[/.-]/).map(Number);
    const fullYear = y === undefined ? year : y < 100 ? 2000 + y : y;
    const check = new Date(Date.UTC(fullYear, (mo ?? 0) - 1, d));
    const ok = check.getUTCDate() === d && check.getUTCMonth() + 1 === mo;
    return ok ? { y: fullYear, mo: mo!, d: d! } : null;
  });
  const from = parsed[0];
  const to = parsed[1] ?? parsed[0];
  if (!from || !to) return null;
  if (Date.UTC(to.y, to.mo - 1, to.d) < Date.UTC(from.y, from.mo - 1, from.d)) return null;
  return { from, to };
}
