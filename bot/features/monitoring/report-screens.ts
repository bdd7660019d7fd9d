import { end, rows, text } from "../../core/replies.js";
import type { Input, Option, Reply, StepContext, StepResult } from "../../core/types.js";
import { SYMPTOMS } from "../declaration/index.js";
import { HEALTHY, TEMPERATURE_BANDS } from "./daily-reports.js";
import { formatDay, formatWindow } from "./format.js";
import { type ReportWindow, reportOccasion } from "./reminder-policy.js";

export const REPORT_FLOW = "report";
export const ropt = (...parts: string[]) => [REPORT_FLOW, ...parts].join(":");

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
    id: ropt("who", String(t.id)),
    label: `${t.name || ctx.t("monitoring:noName")} — ${t.group}`.slice(0, 60),
  }));
  return text(ctx.t("monitoring:report.who"), { options: rows(options) });
}

export const askRoom = (ctx: StepContext): Reply =>
  text(ctx.t("monitoring:report.askRoom"), {
    options: [[{ id: ropt("skip"), label: ctx.t("monitoring:report.skip") }]],
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
      [{ id: ropt("healthy"), label: ctx.t("monitoring:report.healthy") }],
      [{ id: ropt("unwell"), label: ctx.t("monitoring:report.unwell") }],
    ],
  });
}

export function temperatureQuestion(ctx: StepContext): Reply {
  const bands: Option[] = TEMPERATURE_BANDS.map((b) => ({
    id: ropt("band", b),
    label: ctx.t(`monitoring:report.band.${b}`),
  }));
  return text(ctx.t("monitoring:report.askTemperature"), {
    options: [...rows(bands, 2), [{ id: ropt("skip"), label: ctx.t("monitoring:report.notMeasured") }]],
  });
}

export function symptomsQuestion(data: { ticks?: string[] }, ctx: StepContext, edit = false): Reply {
  const ticks = new Set(data.ticks ?? []);
  const options = SYMPTOMS.map((s) => ({
    id: ropt("t", s),
    label: `${ticks.has(s) ? `${TICK} ` : ""}${ctx.t(`declaration:q.symptoms.opt.${s}`)}`,
  }));
  return text(ctx.t("monitoring:report.askSymptoms"), {
    options: [
      ...rows(options, 2),
      [
        { id: ropt("none"), label: ctx.t("monitoring:report.noSymptoms") },
        { id: ropt("done"), label: ctx.t("monitoring:report.done") },
      ],
    ],
    edit,
  });
}

export const spo2Question = (ctx: StepContext): Reply =>
  text(ctx.t("monitoring:report.askSpo2"), {
    options: [[{ id: ropt("skip"), label: ctx.t("monitoring:report.skip") }]],
  });

/**
 * Buttons of reminders and notices (open the report, report "well" in one tap, confirm a listing, add a
 * dependent), handled with no flow active and inside the report flow. Null for any other input.
 */
export function reportButtons(input: Input): StepResult | null {
  if (input.kind !== "option") return null;
  const dep = /^report:dep:(\d{1,15}):(\d{1,15})$/.exec(input.data);
  if (dep)
    return end([], {
      effects: [{ type: "monitoring.addDependent", groupId: Number(dep[1]), personId: Number(dep[2]) }],
    });
  const m = /^report:(go|ok|join)(?::(\d{1,15}))?$/.exec(input.data);
  if (!m) return null;
  const id = m[2] ? Number(m[2]) : null;
  if (m[1] === "join") return end([], { effects: [{ type: "monitoring.linkMine", report: true }] });
  if (m[1] === "ok" && id !== null)
    return end([], { effects: [{ type: "monitoring.saveReport", memberId: id, input: HEALTHY }] });
  return end([], { next: { flow: REPORT_FLOW, payload: id === null ? "" : String(id) } });
}
