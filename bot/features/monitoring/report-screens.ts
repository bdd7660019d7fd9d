import { end, rows, text } from "../../core/replies.js";
import type { Input, Option, Reply, StepContext, StepResult } from "../../core/types.js";
import { SYMPTOMS } from "../declaration/index.js";
import { HEALTHY, TEMPERATURE_BANDS } from "./daily-reports.js";
import { formatDay, formatWindow } from "./format.js";
import { REPORT_FLOW, reportOptions } from "./options.js";
import { type ReportWindow, reportOccasion } from "./reminder-policy.js";

export { REPORT_FLOW };

/** Someone this account reports for, in one group. */
export interface Target {
  id: number;
  name: string;
  room: string | null;
  group: string;
  dependent: boolean;
  windows: ReportWindow[];
}

const TICK = "✅";

export function whoQuestion(targets: Target[], ctx: StepContext): Reply {
  const options = targets.map((t) => ({
    id: reportOptions.build("who", t.id),
    label: `${t.name || ctx.t("monitoring:noName")} — ${t.group}`.slice(0, 60),
  }));
  return text(ctx.t("monitoring:report.who"), { options: rows(options) });
}

export const askRoom = (ctx: StepContext): Reply =>
  text(ctx.t("monitoring:report.askRoom"), {
    options: [[{ id: reportOptions.build("skip"), label: ctx.t("monitoring:report.skip") }]],
  });

/** "sáng 01/08/2021" when the group has two windows, else just the day. */
export function occasionLabel(windows: ReportWindow[], now: Date, ctx: Pick<StepContext, "t" | "timeZone">) {
  const o = reportOccasion(windows, now, ctx.timeZone);
  const day = formatDay(o.date);
  if (windows.length < 2) return day;
  return ctx.t("monitoring:report.slot", {
    slot: ctx.t(o.window === 0 ? "monitoring:report.morning" : "monitoring:report.evening"),
    day,
  });
}

export function feelQuestion(target: Target, ctx: StepContext): Reply {
  const body = ctx.t("monitoring:report.feel", {
    who: target.name,
    group: target.group,
    occasion: occasionLabel(target.windows, ctx.now, ctx),
    windows: target.windows.map(formatWindow).join(", "),
  });
  return text(body, {
    options: [
      [{ id: reportOptions.build("healthy"), label: ctx.t("monitoring:report.healthy") }],
      [{ id: reportOptions.build("unwell"), label: ctx.t("monitoring:report.unwell") }],
    ],
  });
}

export function temperatureQuestion(ctx: StepContext): Reply {
  const bands: Option[] = TEMPERATURE_BANDS.map((b) => ({
    id: reportOptions.build("band", b),
    label: ctx.t(`monitoring:report.band.${b}`),
  }));
  return text(ctx.t("monitoring:report.askTemperature"), {
    options: [
      ...rows(bands, 2),
      [{ id: reportOptions.build("skip"), label: ctx.t("monitoring:report.notMeasured") }],
    ],
  });
}

export function symptomsQuestion(data: { ticks?: string[] }, ctx: StepContext, edit = false): Reply {
  const ticks = new Set(data.ticks ?? []);
  const options = SYMPTOMS.map((s) => ({
    id: reportOptions.build("t", s),
    label: `${ticks.has(s) ? `${TICK} ` : ""}${ctx.t(`declaration:q.symptoms.opt.${s}`)}`,
  }));
  return text(ctx.t("monitoring:report.askSymptoms"), {
    options: [
      ...rows(options, 2),
      [
        { id: reportOptions.build("none"), label: ctx.t("monitoring:report.noSymptoms") },
        { id: reportOptions.build("done"), label: ctx.t("monitoring:report.done") },
      ],
    ],
    edit,
  });
}

export const spo2Question = (ctx: StepContext): Reply =>
  text(ctx.t("monitoring:report.askSpo2"), {
    options: [[{ id: reportOptions.build("skip"), label: ctx.t("monitoring:report.skip") }]],
  });

/**
 * Buttons of reminders and notices (open the report, report "well" in one tap, confirm a listing, add a
 * dependent), handled with no flow active and inside the report flow. Null for any other input.
 */
export function reportButtons(input: Input): StepResult | null {
  if (input.kind !== "option") return null;
  const o = reportOptions.parse(input.data);
  switch (o?.action) {
    case "dep": {
      const [groupId, personId] = o.args;
      return end([], { effects: [{ type: "monitoring.addDependent", groupId, personId }] });
    }
    case "join":
      return end([], { effects: [{ type: "monitoring.linkMine", report: true }] });
    case "ok": {
      const [id] = o.args;
      if (id !== undefined)
        return end([], { effects: [{ type: "monitoring.saveReport", memberId: id, input: HEALTHY }] });
      return end([], { next: { flow: REPORT_FLOW, payload: "" } });
    }
    case "go": {
      const [id] = o.args;
      return end([], { next: { flow: REPORT_FLOW, payload: id === undefined ? "" : String(id) } });
    }
  }
  return null;
}
