import { describe, expect, it } from "vitest";
import {
  bandOf,
  HEALTHY,
  needsAlert,
  parseSpo2,
  parseTemperature,
} from "../../../bot/features/monitoring/daily-reports.js";
import { readListTable } from "../../../bot/features/monitoring/list-file.js";
import {
  DEFAULT_WINDOWS,
  EVENING_WINDOW,
  isNonReporting,
  isReminderDue,
  parseWindows,
  type ReminderMember,
  reportOccasion,
  type SentReminder,
} from "../../../bot/features/monitoring/reminder-policy.js";

const TZ = "Asia/Ho_Chi_Minh";
/** A local time in Hanoi (UTC+7) on a day of August 2021. */
const hanoi = (day: number, hm: string) => new Date(`2021-08-${String(day).padStart(2, "0")}T${hm}:00+07:00`);

const member = (over: Partial<ReminderMember> = {}): ReminderMember => ({
  status: "active",
  groupClosed: false,
  startsOn: "2021-07-25",
  endsOn: "2021-08-08",
  pausedUntil: null,
  windows: DEFAULT_WINDOWS,
  reported: new Set(),
  reminders: [],
  ...over,
});
const sent = (day: number, hm: string, n: number, window = 0): SentReminder => ({
  date: `2021-08-${String(day).padStart(2, "0")}`,
  window,
  n,
  at: hanoi(day, hm),
});
const ALL_DAY = [{ from: 0, to: 24 * 60 }];
const TWO = [...DEFAULT_WINDOWS, EVENING_WINDOW];

describe("isReminderDue", () => {
  it.each([
    { name: "first tick of the window", m: member(), at: hanoi(1, "07:00"), want: { due: true, n: 1 } },
    {
      name: "before the window",
      m: member(),
      at: hanoi(1, "06:59"),
      want: { due: false, rule: "insideWindow" },
    },
    {
      name: "the window's end is outside",
      m: member(),
      at: hanoi(1, "10:00"),
      want: { due: false, rule: "insideWindow" },
    },
    {
      name: "reported in this window",
      m: member({ reported: new Set(["2021-08-01#0"]) }),
      at: hanoi(1, "08:00"),
      want: { due: false, rule: "notReported" },
    },
    {
      name: "reported yesterday only",
      m: member({
        reported: new Set(["2021-07-31#0"]),
        reminders: [{ date: "2021-07-31", window: 0, n: 1, at: new Date("2021-07-31T07:00:00+07:00") }],
      }),
      at: hanoi(1, "07:00"),
      want: { due: true, n: 1 },
    },
    {
      name: "listed, not linked",
      m: member({ status: "pending" }),
      at: hanoi(1, "07:00"),
      want: { due: false, rule: "active" },
    },
    {
      name: "released",
      m: member({ status: "released" }),
      at: hanoi(1, "07:00"),
      want: { due: false, rule: "active" },
    },
    {
      name: "removed",
      m: member({ status: "removed" }),
      at: hanoi(1, "07:00"),
      want: { due: false, rule: "active" },
    },
    {
      name: "group closed",
      m: member({ groupClosed: true }),
      at: hanoi(1, "07:00"),
      want: { due: false, rule: "active" },
    },
    {
      name: "before the member's start",
      m: member({ startsOn: "2021-08-02" }),
      at: hanoi(1, "07:00"),
      want: { due: false, rule: "inPeriod" },
    },
    {
      name: "on the end day (released that day)",
      m: member(),
      at: hanoi(8, "07:00"),
      want: { due: false, rule: "inPeriod" },
    },
    { name: "the last day of the period", m: member(), at: hanoi(7, "07:00"), want: { due: true, n: 1 } },
    {
      name: "paused",
      m: member({ pausedUntil: hanoi(1, "12:00") }),
      at: hanoi(1, "08:00"),
      want: { due: false, rule: "notPaused" },
    },
    {
      name: "pause over",
      m: member({ pausedUntil: hanoi(1, "07:30") }),
      at: hanoi(1, "08:00"),
      want: { due: true, n: 1 },
    },
    {
      name: "reminded at the start, the window still long",
      m: member({ reminders: [sent(1, "07:00", 1)] }),
      at: hanoi(1, "08:00"),
      want: { due: false, rule: "notNearEnd" },
    },
    {
      name: "second reminder near the window's end",
      m: member({ reminders: [sent(1, "07:00", 1)] }),
      at: hanoi(1, "09:00"),
      want: { due: true, n: 2 },
    },
    {
      name: "both reminders sent",
      m: member({ reminders: [sent(1, "07:00", 1), sent(1, "09:00", 2)] }),
      at: hanoi(1, "09:30"),
      want: { due: false, rule: "alreadyReminded" },
    },
    {
      name: "a short window gives one reminder only",
      m: member({ windows: [{ from: 420, to: 480 }], reminders: [sent(1, "07:00", 1)] }),
      at: hanoi(1, "07:30"),
      want: { due: false, rule: "notNearEnd" },
    },
    {
      name: "12 h rule: all-day window, reminded late yesterday",
      m: member({
        windows: ALL_DAY,
        reminders: [{ date: "2021-07-31", window: 0, n: 1, at: new Date("2021-07-31T23:00:00+07:00") }],
      }),
      at: hanoi(1, "00:00"),
      want: { due: false, rule: "remindedIn12h" },
    },
    {
      name: "12 h rule: still within 12 h at 10:59",
      m: member({
        windows: ALL_DAY,
        reminders: [{ date: "2021-07-31", window: 0, n: 1, at: new Date("2021-07-31T23:00:00+07:00") }],
      }),
      at: hanoi(1, "10:59"),
      want: { due: false, rule: "remindedIn12h" },
    },
    {
      name: "12 h rule: 12 h later it is due",
      m: member({
        windows: ALL_DAY,
        reminders: [{ date: "2021-07-31", window: 0, n: 1, at: new Date("2021-07-31T23:00:00+07:00") }],
      }),
      at: hanoi(1, "11:00"),
      want: { due: true, n: 1 },
    },
    {
      name: "evening window, the morning reminded and reported",
      m: member({
        windows: TWO,
        reported: new Set(["2021-08-01#0"]),
        reminders: [sent(1, "07:00", 1), sent(1, "09:00", 2)],
      }),
      at: hanoi(1, "19:00"),
      want: { due: true, n: 1, window: 1 },
    },
    {
      name: "evening reported",
      m: member({ windows: TWO, reported: new Set(["2021-08-01#1"]) }),
      at: hanoi(1, "20:00"),
      want: { due: false, rule: "notReported" },
    },
  ])("$name", ({ m, at, want }) => {
    const got = isReminderDue(m, at, TZ);
    if (want.due) {
      expect(got).toMatchObject({ due: true, n: want.n, occasion: { window: want.window ?? 0 } });
    } else {
      expect(got).toEqual({ due: false, rule: want.rule });
    }
  });

  it("reads the window in the given time zone", () => {
    const at = new Date("2021-08-01T00:30:00Z"); // 07:30 in Hanoi, 01:30 in London
    expect(isReminderDue(member(), at, TZ)).toMatchObject({ due: true, occasion: { date: "2021-08-01" } });
    expect(isReminderDue(member(), at, "Europe/London")).toEqual({ due: false, rule: "insideWindow" });
    // 23:30 UTC on 31 July is already 1 August in Hanoi.
    const late = new Date("2021-07-31T23:30:00Z");
    expect(isReminderDue(member({ windows: ALL_DAY }), late, TZ)).toMatchObject({
      occasion: { date: "2021-08-01" },
    });
  });
});

describe("isNonReporting", () => {
  const now = hanoi(2, "10:00");
  it.each([
    { last: hanoi(1, "10:01"), since: hanoi(1, "00:00"), want: false },
    { last: hanoi(1, "10:00"), since: hanoi(1, "00:00"), want: true },
    { last: null, since: hanoi(1, "09:00"), want: true },
    { last: null, since: hanoi(2, "08:00"), want: false },
  ])("last report $last, followed since $since → $want", ({ last, since, want }) => {
    expect(isNonReporting(last, since, now)).toBe(want);
  });
});

describe("reportOccasion", () => {
  it.each([
    ["06:00", DEFAULT_WINDOWS, 0],
    ["12:00", TWO, 0],
    ["19:30", TWO, 1],
    ["23:00", TWO, 1],
  ] as const)("a report at %s counts for window %#", (hm, windows, want) => {
    expect(reportOccasion(windows, hanoi(1, hm), TZ)).toEqual({ date: "2021-08-01", window: want });
  });
});

describe("parsing what people type", () => {
  it.each([
    ["07:00-10:00", [{ from: 420, to: 600 }]],
    [
      "7h-10h, 19h-21h",
      [
        { from: 420, to: 600 },
        { from: 1140, to: 1260 },
      ],
    ],
    [
      "06:30 – 09:00 và 18:00 – 20:00",
      [
        { from: 390, to: 540 },
        { from: 1080, to: 1200 },
      ],
    ],
    ["10:00-07:00", null],
    ["07:00-10:00, 09:00-11:00", null],
    ["7-7:20", null],
    ["7-8, 9-10, 11-12", null],
  ])("windows %s", (typed, want) => {
    expect(parseWindows(typed)).toEqual(want);
  });

  it.each([
    ["37,8", 378],
    ["37.8°C", 378],
    ["38", 380],
    ["39.5 độ", 395],
    ["33.9", null],
    ["43.1", null],
    ["abc", null],
  ])("temperature %s", (typed, want) => {
    expect(parseTemperature(typed)).toBe(want);
  });

  it.each([
    ["97", 97],
    ["93 %", 93],
    ["69", null],
    ["101", null],
  ])("SpO2 %s", (typed, want) => {
    expect(parseSpo2(typed)).toBe(want);
  });

  it("alerts on a symptom, a fever from 37.5 °C or a low SpO2, never on the one-button report", () => {
    const unwell = { ...HEALTHY, healthy: false };
    expect(needsAlert(HEALTHY)).toBe(false);
    expect(needsAlert({ ...unwell, temperatureTenths: 374, temperatureBand: bandOf(374) })).toBe(false);
    expect(needsAlert({ ...unwell, temperatureTenths: 375, temperatureBand: bandOf(375) })).toBe(true);
    expect(needsAlert({ ...unwell, temperatureBand: "low" })).toBe(true);
    expect(needsAlert({ ...unwell, symptoms: ["cough"] })).toBe(true);
    expect(needsAlert({ ...unwell, spo2: 93 })).toBe(true);
    expect(needsAlert({ ...unwell, spo2: 94, note: "đau đầu" })).toBe(false);
  });
});

describe("readListTable", () => {
  it("reads a list with Vietnamese headings, leaving out bad rows by line", () => {
    const { rows, problems } = readListTable([
      ["Số điện thoại", "Họ và tên", "Phòng", "Ngày bắt đầu", "Ngày kết thúc"],
      ["0912 345 678", "Nguyễn Văn An", "P.101", "01/08/2021", "15/08/2021"],
      [912345679, "Trần Thị Bình", 102, new Date(Date.UTC(2021, 7, 2)), 44423],
      ["12345", "Lê Văn Cường", "", "", ""],
      ["0912345680", "", "", "", ""],
      ["0912345681", "Phạm Dũng", "", "32/08/2021", ""],
      ["0912345682", "Hoàng Em", "", "10/08/2021", "05/08/2021"],
      ["0912 345 678", "Nguyễn Văn An", "P.101", "", ""],
      [],
    ]);
    expect(rows).toEqual([
      {
        line: 2,
        phone: "+84912345678",
        name: "Nguyễn Văn An",
        room: "P.101",
        startsOn: "2021-08-01",
        endsOn: "2021-08-15",
      },
      {
        line: 3,
        phone: "+84912345679",
        name: "Trần Thị Bình",
        room: "102",
        startsOn: "2021-08-02",
        endsOn: "2021-08-15",
      },
    ]);
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [4, "phone"],
      [5, "name"],
      [6, "start"],
      [7, "period"],
      [8, "duplicate"],
    ]);
  });

  it("reads a list without headings in the default column order", () => {
    const { rows } = readListTable([["0912345678", "Nguyễn Văn An"]]);
    expect(rows).toMatchObject([
      { line: 1, phone: "+84912345678", name: "Nguyễn Văn An", room: null, startsOn: null },
    ]);
  });
});
