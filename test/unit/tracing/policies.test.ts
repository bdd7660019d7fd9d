import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { contactWindow, type Exposure } from "../../../bot/features/tracing/query.js";
import type { Stats } from "../../../bot/features/tracing/stats.js";
import { statsCharts } from "../../../bot/features/tracing/stats-charts.js";
import { renderBarChart } from "../../../bot/render/charts.js";
import {
  coveringScope,
  describeScope,
  type OfficerScope,
  summaryScope,
} from "../../../bot/shared/officer-scope.js";
import { stepContext } from "../../support/context.js";

const officer = (o: Partial<OfficerScope>): OfficerScope => ({
  userId: 1,
  admin: false,
  communes: [],
  provinces: [],
  ...o,
});

describe("an officer's scope", () => {
  it.each([
    [{ communes: ["00004"] }, { provinceCode: "01", communeCode: "00004" }, { type: "commune", id: "00004" }],
    [{ communes: ["00004"] }, { provinceCode: "01", communeCode: "00008" }, null],
    [{ provinces: ["01"] }, { provinceCode: "01", communeCode: "00008" }, { type: "province", id: "01" }],
    [{ provinces: ["01"] }, { provinceCode: "79", communeCode: "26734" }, null],
    [{ communes: ["00004"] }, { provinceCode: null, communeCode: null }, null],
    [{ admin: true }, { provinceCode: null, communeCode: null }, { type: "global" }],
  ])("%j sees %j as %j", (scope, place, want) => {
    expect(coveringScope(officer(scope), place)).toEqual(want);
  });

  it("is summarised for the audit row and described for its detail", () => {
    expect(summaryScope(officer({ communes: ["00004"] }))).toEqual({ type: "commune", id: "00004" });
    expect(summaryScope(officer({ provinces: ["01"] }))).toEqual({ type: "province", id: "01" });
    expect(summaryScope(officer({ communes: ["00004", "00007"] }))).toBeUndefined();
    expect(describeScope(officer({ communes: ["00004", "00007"], provinces: ["01"] }))).toBe(
      "commune:00004,00007 province:01",
    );
  });
});

describe("the window of a contact", () => {
  const at = (hhmm: string) => new Date(`2021-08-01T${hhmm}:00Z`);
  const exposure = (src: [string, string], visit: [string, string]): Exposure => ({
    sourceKey: "u:1",
    sourceVisitId: 1,
    sourceStart: at(src[0]),
    sourceEnd: at(src[1]),
    visitId: 2,
    contactKey: "u:2",
    userId: 2,
    personId: null,
    visitorName: null,
    visitorPhone: null,
    checkpointId: 1,
    start: at(visit[0]),
    end: at(visit[1]),
  });

  it.each([
    [["09:00", "10:00"], ["09:30", "11:00"], "09:30", "10:00", 30],
    [["09:00", "10:00"], ["08:00", "12:00"], "09:00", "10:00", 60],
    // Inside the buffer only: they missed each other by ten minutes; the window is the gap.
    [["09:00", "10:00"], ["10:10", "10:40"], "10:00", "10:10", 0],
    [["09:00", "10:00"], ["08:30", "08:50"], "08:50", "09:00", 0],
  ] as const)("source %j, visit %j → %s–%s, %d min", (src, visit, from, to, minutes) => {
    const w = contactWindow(exposure([...src], [...visit]));
    expect([w.from, w.to, w.overlapMinutes]).toEqual([at(from), at(to), minutes]);
  });
});

describe("charts", () => {
  it("render a PNG of 1080×720 with Vietnamese labels", async () => {
    const png = await renderBarChart({
      title: "Tờ khai y tế mỗi ngày",
      labels: ["01/08", "02/08"],
      stacked: true,
      series: [
        { label: "Xanh", data: [3, 4], color: "#2e9e4f" },
        { label: "Đỏ", data: [1, 0], color: "#d63c3c" },
      ],
    });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1080, 720]);
    // Not blank: the bars and text make many distinct colours.
    const { channels } = await sharp(png).stats();
    expect(channels[0]!.stdev).toBeGreaterThan(10);
  });

  it("leave out what has nothing to show", async () => {
    const empty: Stats = {
      days: ["2021-08-01"],
      declarations: [{ day: "2021-08-01", green: 0, yellow: 0, red: 0 }],
      totals: { declarations: 0, green: 0, yellow: 0, red: 0 },
      checkins: [{ day: "2021-08-01", n: 0 }],
      checkinTotal: 0,
      busiest: [],
      groups: [],
      quarantined: 0,
      lockedDown: 0,
    };
    expect(await statsCharts(empty, stepContext({ lang: "vi" }).t)).toEqual([]);
    const some = await statsCharts(
      { ...empty, groups: [{ id: 1, name: "Thôn 3", kind: "lockdown", active: 4, reported: 3 }] },
      stepContext({ lang: "vi" }).t,
    );
    expect(some.map((c) => c.name)).toEqual(["compliance"]);
  });
});
