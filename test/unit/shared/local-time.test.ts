import { describe, expect, it } from "vitest";
import { localDate, localDay, localDayBounds, localTime } from "../../../bot/shared/local-time.js";

/** The wall clock read straight from Intl, with no cache: what the kept offsets must agree with. */
function intl(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const p = (type: string) => parts.find((x) => x.type === type)!.value;
  return { time: `${p("hour")}:${p("minute")}`, day: `${p("day")}/${p("month")}/${p("year")}` };
}

const ZONES = [
  "Asia/Ho_Chi_Minh",
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
];

describe("local time", () => {
  it("reads the same wall clock as Intl, across daylight-saving changes and odd offsets", () => {
    // Every 7 minutes over the days around 2021's changes (New York 14 Mar and 7 Nov, London 28 Mar and
    // 31 Oct, Lord Howe's half hour on 4 Apr and 3 Oct), and a spread over the year.
    const instants: Date[] = [];
    for (const day of ["2021-03-14", "2021-03-28", "2021-04-04", "2021-10-03", "2021-10-31", "2021-11-07"]) {
      const start = Date.parse(`${day}T00:00:00Z`) - 12 * 3600_000;
      for (let t = start; t < start + 48 * 3600_000; t += 7 * 60_000) instants.push(new Date(t));
    }
    for (let t = Date.parse("2021-01-01T00:00:00Z"); t < Date.parse("2022-01-01T00:00:00Z"); t += 86_413_000)
      instants.push(new Date(t));
    for (const zone of ZONES) {
      for (const at of instants) {
        const want = intl(at, zone);
        expect({ time: localTime(at, zone), day: localDay(at, zone) }, `${zone} ${at.toISOString()}`).toEqual(
          want,
        );
      }
    }
  });

  it("bounds a local day at its own midnights, 23 or 25 hours long on the days the clocks change", () => {
    const ny = localDayBounds(new Date("2021-03-14T12:00:00Z"), "America/New_York");
    expect(ny.start.toISOString()).toBe("2021-03-14T05:00:00.000Z");
    expect(ny.end.toISOString()).toBe("2021-03-15T04:00:00.000Z");
    const vn = localDayBounds(new Date("2021-08-01T18:30:00Z"), "Asia/Ho_Chi_Minh");
    expect(vn.start.toISOString()).toBe("2021-08-01T17:00:00.000Z");
    expect(localDate(new Date("2021-08-01T18:30:00Z"), "Asia/Ho_Chi_Minh")).toEqual({ y: 2021, mo: 8, d: 2 });
  });
});
