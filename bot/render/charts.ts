import type { ChartConfiguration, ChartItem, Plugin } from "chart.js";
import { FONT_FAMILY, fontPath } from "./fonts.js";

/**
 * Charts as PNG, drawn server-side by Chart.js on a Skia canvas (@napi-rs/canvas ships prebuilt binaries;
 * no browser, no system fonts): the embedded Be Vietnam Pro is registered with the canvas so Vietnamese
 * labels render. Sized and lettered to be read on a phone without zooming (1080×720, 22–30 px text).
 */

export const CHART_WIDTH = 1080;
export const CHART_HEIGHT = 720;

let ready:
  | Promise<{
      Chart: typeof import("chart.js").Chart;
      createCanvas: typeof import("@napi-rs/canvas").createCanvas;
    }>
  | undefined;

/**
 * Loads the canvas and Chart.js, registers Chart.js's parts and the font, once, on the first chart: together
 * they weigh tens of megabytes, which a bot that never draws a chart should not pay for at start.
 */
function setup() {
  ready ??= (async () => {
    const [{ createCanvas, GlobalFonts }, { Chart, registerables }] = await Promise.all([
      import("@napi-rs/canvas"),
      import("chart.js"),
    ]);
    Chart.register(...registerables);
    GlobalFonts.registerFromPath(fontPath("regular"), FONT_FAMILY);
    GlobalFonts.registerFromPath(fontPath("bold"), FONT_FAMILY);
    return { Chart, createCanvas };
  })();
  return ready;
}

// Chart.js leaves the canvas transparent: a white ground reads well in both light and dark chat themes.
const whiteGround: Plugin = {
  id: "whiteGround",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

export const COLORS = {
  green: "#2e9e4f",
  yellow: "#e0a800",
  red: "#d63c3c",
  blue: "#2f6fd6",
  grey: "#7a869a",
} as const;

export interface BarSeries {
  label: string;
  data: number[];
  color: string;
}

export interface BarChartSpec {
  title: string;
  labels: string[];
  series: BarSeries[];
  /** Series stacked on one bar per label (statuses of declarations). */
  stacked?: boolean;
  /** Bars run left to right, labels down the side (long names: checkpoints, groups). */
  horizontal?: boolean;
  /** The value axis ends here (100 for percentages). */
  max?: number;
  /** Appended to value ticks ("%"). */
  unit?: string;
  width?: number;
  height?: number;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function renderBarChart(spec: BarChartSpec): Promise<Buffer> {
  const { Chart, createCanvas } = await setup();
  const width = spec.width ?? CHART_WIDTH;
  const height = spec.height ?? CHART_HEIGHT;
  const canvas = createCanvas(width, height);
  const font = { family: FONT_FAMILY, size: 22 };
  const valueAxis = {
    stacked: spec.stacked ?? false,
    beginAtZero: true,
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ticks: {
      font,
      precision: 0,
      callback: (v: string | number) => `${v}${spec.unit ?? ""}`,
    },
    grid: { color: "#e3e6ec" },
  };
  const labelAxis = {
    stacked: spec.stacked ?? false,
    ticks: { font, autoSkip: true, maxRotation: 0 },
    grid: { display: false },
  };
  const config: ChartConfiguration<"bar"> = {
    type: "bar",
    data: {
      labels: spec.labels.map((l) => clip(l, spec.horizontal ? 28 : 12)),
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: s.color,
        borderRadius: 4,
        maxBarThickness: 90,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      indexAxis: spec.horizontal ? "y" : "x",
      layout: { padding: 24 },
      plugins: {
        title: {
          display: true,
          text: spec.title,
          font: { ...font, size: 30, weight: "bold" },
          color: "#1d2433",
        },
        legend: { display: spec.series.length > 1, labels: { font, boxWidth: 28 } },
      },
      scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
    },
    plugins: [whiteGround],
  };
  // The canvas stands in for a DOM canvas: Chart.js only calls getContext("2d") and reads width/height.
  const chart = new Chart(canvas as unknown as ChartItem, config);
  try {
    return canvas.toBuffer("image/png");
  } finally {
    chart.destroy();
  }
}
