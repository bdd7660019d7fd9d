import type { Tx } from "../../../db/client.js";
import { answerErrors } from "../../core/answer-errors.js";
import type { EffectEnv, EffectHandlers, Feature } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { rows, text } from "../../core/replies.js";
import type { Reply, StepContext } from "../../core/types.js";
import { isoDay, localDate } from "../../shared/local-time.js";
import { type OfficerScope, officerScope } from "../../shared/officer-scope.js";
import { ForbiddenError } from "../../shared/roles.js";
import type { VenueNotes } from "../checkpoint/index.js";
import { notify } from "../monitoring/index.js";
import type { RiskEffectType } from "./effects.js";
import { importFigures } from "./figures-import.js";
import { areaIdle, createAreaFlow } from "./flow.js";
import { riskHome } from "./home.js";
import {
  BadFigureError,
  BadLevelError,
  currentLevel,
  currentLevelSql,
  levelHistory,
  requireCommune,
  residentsOf,
  setFigures,
  setLevel,
  suggestionFor,
  UnknownCommuneError,
} from "./levels.js";
import { parseMatrix, type RiskMatrix } from "./matrix.js";
import { areaOption, areaPayload } from "./options.js";
import { communeViewReply, dmy, levelText } from "./replies.js";
import { searchInScope } from "./search.js";
import { levelChart, levelStats } from "./stats.js";

/** What other features may use: the level in effect in a commune, the matrix and its suggestion. */
export { currentLevel } from "./levels.js";
export { DEFAULT_MATRIX, parseMatrix, type RiskMatrix, suggestLevel } from "./matrix.js";

export interface RiskFeatureDeps {
  /** For residents' notices, each in its recipient's language. */
  i18n: I18n;
  /** RISK_MATRIX (JSON); unset: the built-in matrix. A bad one stops the start. */
  matrix?: string;
  /** The largest CSV of figures accepted (default 1 MB). */
  maxCsvBytes?: number;
}

const today = (now: Date, timeZone: string) => isoDay(localDate(now, timeZone));

async function requireOfficer(env: EffectEnv): Promise<OfficerScope> {
  const officer = await officerScope(env.tx, env.user.id);
  if (!officer) throw new ForbiddenError("officer");
  return officer;
}

/** Area risk levels: /area for officers, suggestions from F0 and coverage, residents told of a change. */
export function riskFeature(deps: RiskFeatureDeps): Feature {
  const matrix: RiskMatrix = parseMatrix(deps.matrix);
  const maxCsv = deps.maxCsvBytes ?? 1024 * 1024;

  async function view(env: EffectEnv, code: string): Promise<Reply> {
    const officer = await requireOfficer(env);
    const { commune } = await requireCommune(env.tx, officer, code);
    const s = await suggestionFor(env.tx, matrix, commune.code, env.now);
    return communeViewReply(
      {
        commune,
        current: await currentLevel(env.tx, commune.code, today(env.now, env.ctx.timeZone)),
        history: await levelHistory(env.tx, commune.code),
        ...s,
      },
      env.ctx.t,
    );
  }

  const effects: Pick<EffectHandlers, RiskEffectType> = {
    "risk.view": async (e, env) => ({
      replies: [await view(env, e.code)],
      // A level typed as a number right after the view is read by the flow.
      next: { flow: "area", payload: areaPayload({ kind: "at", code: e.code }) },
    }),
    "risk.find": async (e, env) => {
      const officer = await requireOfficer(env);
      const found = await searchInScope(env.tx, officer, e.typed);
      const { t } = env.ctx;
      if (found.length === 0) return [text(t("risk:noMatch", { typed: e.typed }))];
      const options = found.map((c) => ({ id: areaOption({ kind: "view", code: c.code }), label: c.name }));
      return [text(t("risk:matches"), { options: rows(options, 2) })];
    },
    "risk.set": async (e, env) => {
      const officer = await requireOfficer(env);
      const { t, timeZone } = env.ctx;
      const done = await setLevel(env.tx, {
        officer,
        communeCode: e.code,
        level: e.level,
        reason: e.reason,
        effectiveFrom: e.effectiveFrom,
        now: env.now,
        today: today(env.now, timeZone),
        matrix,
      });
      let told = 0;
      if (done.changed) {
        const residents = await residentsOf(env.tx, done.commune.code);
        told = await notify(
          env.tx,
          deps.i18n,
          residents.map((userId) => ({
            userId,
            dedupeKey: `risk-level:${done.row.id}:${userId}`,
            reply: (rt) =>
              text(
                rt("risk:notice", {
                  name: done.commune.name,
                  level: levelText(rt, done.row.level),
                  from: dmy(done.row.effectiveFrom),
                  reason: done.row.reason,
                }),
              ),
          })),
        );
      }
      const key = done.changed ? "risk:set.done" : "risk:set.unchanged";
      const vars = {
        name: done.commune.name,
        level: levelText(t, e.level),
        from: dmy(e.effectiveFrom),
        n: told,
      };
      return [text(t(key, vars)), await view(env, done.commune.code)];
    },
    "risk.figures": async (e, env) => {
      const officer = await requireOfficer(env);
      const c = await setFigures(env.tx, {
        officer,
        communeCode: e.code,
        population: e.population,
        coverage: e.coverage,
        now: env.now,
      });
      return [text(env.ctx.t("risk:figures.saved", { name: c.name })), await view(env, c.code)];
    },
    "risk.import": async (e, env) => {
      const officer = await requireOfficer(env);
      const { t } = env.ctx;
      if (!env.files) return [text(t("risk:import.unreadable"))];
      if (e.size !== undefined && e.size > maxCsv) return [text(t("risk:import.tooLarge"))];
      let csv: string;
      try {
        csv = (await env.files.fetch(e.fileRef, maxCsv)).toString("utf8");
      } catch {
        return [text(t("risk:import.unreadable"))];
      }
      const result = await importFigures(env.tx, { officer, csv, now: env.now });
      const lines = [t("risk:import.done", { saved: result.saved, bad: result.problems.length })];
      for (const p of result.problems.slice(0, 30))
        lines.push(t("risk:import.line", { line: p.line, problem: t(`risk:import.problems.${p.problem}`) }));
      return [text(lines.join("\n"))];
    },
  };

  return {
    name: "risk",
    home: riskHome(),
    flows: [createAreaFlow()],
    idle: (input) => areaIdle(input),
    effects: answerErrors(effects, [
      [ForbiddenError, "risk:forbidden"],
      [UnknownCommuneError, "risk:unknownCommune"],
      [BadLevelError, "risk:badLevel"],
      [BadFigureError, "risk:badFigure"],
    ]),
  };
}

/** At check-in: a venue in a commune at level 3 or 4 says so. */
export function riskVenueNotes(): VenueNotes {
  return {
    checkin: {
      read: (cp, at) => currentLevelSql(cp.communeCode, at.today),
      lines(l: { level: number; from: string } | null, ctx) {
        if (!l || l.level < 3) return [];
        return [ctx.t("risk:checkin", { level: levelText(ctx.t, l.level), from: dmy(l.from) })];
      },
    },
  };
}

/** Under the personal QR: the level of the resident's commune (by their declaration), when one is set. */
export function riskQrNote() {
  return async (tx: Tx, place: { communeCode: string | null }, ctx: StepContext): Promise<string[]> => {
    if (!place.communeCode) return [];
    const l = await currentLevel(tx, place.communeCode, today(ctx.now, ctx.timeZone));
    return l ? [ctx.t("risk:qr", { level: levelText(ctx.t, l.level), from: dmy(l.effectiveFrom) })] : [];
  };
}

/** The /stats part of area levels: communes by level, a chart, the communes at level 3–4. Scoped, audited. */
export function riskStatsSection() {
  return async (env: EffectEnv, officer: OfficerScope): Promise<Reply[]> => {
    const { t } = env.ctx;
    const s = await levelStats(env.tx, { officer, today: today(env.now, env.ctx.timeZone), now: env.now });
    const lines = [
      t("risk:stats.head"),
      ...([1, 2, 3, 4] as const).map((l) => `${levelText(t, l)}: ${s.counts[l]}`),
      t("risk:stats.none", { n: s.counts.none }),
    ];
    if (s.high.length > 0) {
      lines.push("", t("risk:stats.high"));
      for (const h of s.high.slice(0, 20))
        lines.push(`• ${h.name}: ${levelText(t, h.level)} (${dmy(h.from)})`);
    }
    const replies: Reply[] = [text(lines.join("\n"))];
    if (s.counts[1] + s.counts[2] + s.counts[3] + s.counts[4] > 0)
      replies.push({
        kind: "photo",
        png: await levelChart(s, t),
        caption: t("risk:stats.chart"),
        fileName: "stats-levels.png",
      });
    return replies;
  };
}
