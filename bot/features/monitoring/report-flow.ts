import { end, text } from "../../core/replies.js";
import type { Flow, FlowState, Input, LoadEnv, Reply, StepContext, StepResult } from "../../core/types.js";
import { SYMPTOMS } from "../declaration/index.js";
import {
  bandOf,
  HEALTHY,
  parseSpo2,
  parseTemperature,
  TEMPERATURE_BANDS,
  type TemperatureBand,
} from "./daily-reports.js";
import type {} from "./effects.js";
import { reportingMemberships, waitingForPhone } from "./members.js";
import { reportOptions } from "./options.js";
import type { ReportWindow } from "./reminder-policy.js";
import {
  askRoom,
  feelQuestion,
  REPORT_FLOW,
  reportButtons,
  spo2Question,
  symptomsQuestion,
  type Target,
  temperatureQuestion,
  whoQuestion,
} from "./report-screens.js";

interface Loaded {
  targets: Target[];
  /** Listed entries waiting for this account's phone. */
  waiting: number;
}

interface Data {
  targets?: Target[];
  target?: Target;
  band?: TemperatureBand | null;
  tenths?: number | null;
  ticks?: string[];
  spo2?: number | null;
}

const state = (step: string, data: Data): FlowState => ({ flow: REPORT_FLOW, step, data: { ...data } });

const save = (data: Data, note: string | null): StepResult =>
  end([], {
    effects: [
      {
        type: "monitoring.saveReport",
        memberId: data.target!.id,
        input: {
          healthy: false,
          temperatureBand: data.band ?? null,
          temperatureTenths: data.tenths ?? null,
          symptoms: data.ticks ?? [],
          spo2: data.spo2 ?? null,
          note,
        },
      },
    ],
  });

/** After choosing whom: their name and room first if the group does not know them, then the report. */
function begin(target: Target, ctx: StepContext): StepResult {
  if (!target.name) {
    const s = state("name", { target });
    return { state: s, replies: prompt(s, ctx) };
  }
  const s = state("feel", { target });
  return { state: s, replies: prompt(s, ctx) };
}

function step(s: FlowState, input: Input, ctx: StepContext): StepResult {
  const global = reportButtons(input);
  if (global) return global;
  const data = s.data as Data;
  const is = (action: "skip" | "healthy" | "unwell" | "none" | "done") =>
    reportOptions.match(input, action) !== null;
  const typed = input.kind === "text" ? input.text.trim() : null;
  const again = (key: string): StepResult => ({
    state: s,
    replies: [text(`⚠️ ${ctx.t(key)}`), ...prompt(s, ctx)],
  });
  switch (s.step) {
    case "who": {
      const id = reportOptions.match(input, "who")?.[0];
      const target = data.targets?.find((t) => t.id === id);
      return target ? begin(target, ctx) : again("monitoring:report.useButtons");
    }
    case "name": {
      if (typed === null || typed.length < 2 || typed.length > 80) return again("monitoring:report.badName");
      const next = state("room", { target: { ...data.target!, name: typed.replace(/\s+/g, " ") } });
      return { state: next, replies: prompt(next, ctx) };
    }
    case "room": {
      if (typed !== null && typed.length > 40) return again("monitoring:report.badRoom");
      if (typed === null && !is("skip")) return again("monitoring:report.useButtons");
      const target = { ...data.target!, room: typed };
      const next = state("feel", { target });
      return {
        state: next,
        replies: prompt(next, ctx),
        effects: [{ type: "monitoring.reportDetails", memberId: target.id, name: target.name, room: typed }],
      };
    }
    case "feel": {
      if (is("healthy"))
        return end([], {
          effects: [{ type: "monitoring.saveReport", memberId: data.target!.id, input: HEALTHY }],
        });
      if (!is("unwell")) return again("monitoring:report.useButtons");
      const next = state("temp", data);
      return { state: next, replies: prompt(next, ctx) };
    }
    case "temp": {
      let band: TemperatureBand | null = null;
      let tenths: number | null = null;
      if (typed !== null) {
        tenths = parseTemperature(typed);
        if (tenths === null) return again("monitoring:report.badTemperature");
        band = bandOf(tenths);
      } else if (reportOptions.match(input, "band")) {
        const [picked] = reportOptions.match(input, "band") ?? [];
        band = TEMPERATURE_BANDS.find((b) => b === picked) ?? null;
        if (band === null) return again("monitoring:report.useButtons");
      } else if (!is("skip")) return again("monitoring:report.useButtons");
      const next = state("symptoms", { ...data, band, tenths, ticks: [] });
      return { state: next, replies: prompt(next, ctx) };
    }
    case "symptoms": {
      const ticks = new Set(data.ticks ?? []);
      const symptom = reportOptions.match(input, "t")?.[0] ?? null;
      if (symptom && SYMPTOMS.includes(symptom)) {
        if (ticks.has(symptom)) ticks.delete(symptom);
        else ticks.add(symptom);
        const next = state("symptoms", { ...data, ticks: SYMPTOMS.filter((x) => ticks.has(x)) });
        return { state: next, replies: [symptomsQuestion(next.data as Data, ctx, true)] };
      }
      if (!is("none") && !is("done")) return again("monitoring:report.useButtons");
      const next = state("spo2", { ...data, ticks: is("none") ? [] : [...ticks] });
      return { state: next, replies: prompt(next, ctx) };
    }
    case "spo2": {
      const spo2 = typed === null ? null : parseSpo2(typed);
      if (typed !== null && spo2 === null) return again("monitoring:report.badSpo2");
      if (typed === null && !is("skip")) return again("monitoring:report.useButtons");
      const next = state("note", { ...data, spo2 });
      return { state: next, replies: prompt(next, ctx) };
    }
    case "note": {
      if (typed !== null && typed.length > 500) return again("monitoring:report.badNote");
      if (typed === null && !is("skip")) return again("monitoring:report.useButtons");
      return save(data, typed || null);
    }
  }
  return end([text(ctx.t("monitoring:report.useButtons"))]);
}

function prompt(s: FlowState, ctx: StepContext): Reply[] {
  const data = s.data as Data;
  const skip = [[{ id: reportOptions.build("skip"), label: ctx.t("monitoring:report.skip") }]];
  switch (s.step) {
    case "who":
      return [whoQuestion(data.targets ?? [], ctx)];
    case "name":
      return [
        text(
          ctx.t(data.target!.dependent ? "monitoring:report.askNameDependent" : "monitoring:report.askName"),
        ),
      ];
    case "room":
      return [askRoom(ctx)];
    case "feel":
      return [feelQuestion(data.target!, ctx)];
    case "temp":
      return [temperatureQuestion(ctx)];
    case "symptoms":
      return [symptomsQuestion(data, ctx)];
    case "spo2":
      return [spo2Question(ctx)];
    case "note":
      return [text(ctx.t("monitoring:report.askNote"), { options: skip })];
  }
  return [];
}

/** /report (and the reminder's button): the daily health report, for oneself or a dependent. */
export function createDailyReportFlow(opts: { timeZone: string }): Flow<Loaded | undefined> {
  return {
    name: REPORT_FLOW,
    commands: ["report"],
    requiresPhone: true,
    async load(env: LoadEnv): Promise<Loaded | undefined> {
      if (env.state) return undefined;
      const found = await reportingMemberships(env.tx, env.user.id, env.now, opts.timeZone);
      const targets: Target[] = found.map(({ member, group }) => ({
        id: member.id,
        name: member.name,
        room: member.room,
        group: group.name,
        dependent: member.personId !== null,
        windows: group.windows as ReportWindow[],
      }));
      return { targets, waiting: await waitingForPhone(env.tx, env.user.phone) };
    },
    start(ctx, payload) {
      const { targets, waiting } = ctx.loaded ?? { targets: [], waiting: 0 };
      // Listed by a manager and not linked yet: link first, then come back here.
      if (waiting > 0) return end([], { effects: [{ type: "monitoring.linkMine", report: true }] });
      if (targets.length === 0) return end([text(ctx.t("monitoring:report.notEnrolled"))]);
      const chosen = targets.find((t) => String(t.id) === payload);
      if (chosen) return begin(chosen, ctx);
      if (targets.length === 1) return begin(targets[0]!, ctx);
      const s = state("who", { targets });
      return { state: s, replies: prompt(s, ctx) };
    },
    step,
    prompt,
  };
}
