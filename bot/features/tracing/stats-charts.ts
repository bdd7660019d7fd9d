import type { TFunction } from "i18next";
import { COLORS, renderBarChart } from "../../render/charts.js";
import type { Stats } from "./stats.js";

export interface StatsChart {
  name: "declarations" | "checkins" | "busiest" | "compliance";
  png: Buffer;
}

/** "2021-08-01" → "01/08". */
const dayLabel = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

/**
 * The pictures of /stats: declarations per day by status, check-ins per day, the busiest checkpoints and,
 * when there are groups, today's reporting per group. Charts with nothing to show are left out.
 */
export async function statsCharts(stats: Stats, t: TFunction): Promise<StatsChart[]> {
  const out: StatsChart[] = [];
  const labels = stats.days.map(dayLabel);
  if (stats.totals.declarations > 0) {
    out.push({
      name: "declarations",
      png: await renderBarChart({
        title: t("tracing:stats.chart.declarations"),
        labels,
        stacked: true,
        series: [
          {
            label: t("tracing:stats.green"),
            data: stats.declarations.map((d) => d.green),
            color: COLORS.green,
          },
          {
            label: t("tracing:stats.yellow"),
            data: stats.declarations.map((d) => d.yellow),
            color: COLORS.yellow,
          },
          { label: t("tracing:stats.red"), data: stats.declarations.map((d) => d.red), color: COLORS.red },
        ],
      }),
    });
  }
  if (stats.checkinTotal > 0) {
    out.push({
      name: "checkins",
      png: await renderBarChart({
        title: t("tracing:stats.chart.checkins"),
        labels,
        series: [
          { label: t("tracing:stats.checkins"), data: stats.checkins.map((c) => c.n), color: COLORS.blue },
        ],
      }),
    });
    out.push({
      name: "busiest",
      png: await renderBarChart({
        title: t("tracing:stats.chart.busiest"),
        labels: stats.busiest.map((b) => b.name),
        horizontal: true,
        series: [
          { label: t("tracing:stats.checkins"), data: stats.busiest.map((b) => b.n), color: COLORS.blue },
        ],
      }),
    });
  }
  if (stats.groups.length > 0) {
    out.push({
      name: "compliance",
      png: await renderBarChart({
        title: t("tracing:stats.chart.compliance"),
        labels: stats.groups.map((g) => g.name),
        horizontal: true,
        max: 100,
        unit: "%",
        series: [
          {
            label: t("tracing:stats.reportedToday"),
            data: stats.groups.map((g) => (g.active === 0 ? 0 : Math.round((100 * g.reported) / g.active))),
            color: COLORS.green,
          },
        ],
      }),
    });
  }
  return out;
}
