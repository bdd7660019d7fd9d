/** The calendar year at `now` in a time zone (a birth year is checked against the local year). */
export function localYear(now: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric" }).format(now));
}

/** "14:05 26/11/2026" in the given time zone, the way Vietnamese forms write a moment. */
export function formatLocal(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? "";
  return `${p("hour")}:${p("minute")} ${p("day")}/${p("month")}/${p("year")}`;
}
