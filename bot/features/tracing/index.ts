import { answerErrors } from "../../core/answer-errors.js";
import type { EffectEnv, EffectHandlers, Feature } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { Reply, StepContext } from "../../core/types.js";
import { createLinks, type Links } from "../../shared/links.js";
import type { OfficerScope } from "../../shared/officer-scope.js";
import { createQrDecoder, type QrDecoder } from "../../shared/qr/decode.js";
import { ForbiddenError } from "../../shared/roles.js";
import { GroupClosedError } from "../monitoring/index.js";
import { adminEffects } from "./admin-effects.js";
import { auditMenu, createAuditFlow } from "./audit-flow.js";
import type { TracingEffectType } from "./effects.js";
import { createFollowUpFlow } from "./followup-flow.js";
import { tracingHome } from "./home.js";
import { createInviteFlow } from "./invite-flow.js";
import { auditStatsView, computeStats, type Stats } from "./stats.js";
import { statsCharts } from "./stats-charts.js";
import { createStatsFlow, statsMenu } from "./stats-flow.js";
import { requireOfficer, traceEffects } from "./trace-effects.js";
import { createTraceFlow, traceMenu } from "./trace-flow.js";

export {
  eraseTraceAppearances,
  type TraceAppearance,
  type TracingErased,
  traceAppearancesOf,
} from "./personal-data.js";

export interface TracingFeatureDeps {
  /** For exposure notices, written in each recipient's language. */
  i18n: I18n;
  /** QR_SIGNING_KEY, to read the personal QR a case is named by (the stored key is always known). */
  qrSigningKey?: string;
  /** Minutes added on both sides of each visit when looking for contacts (default 15). */
  bufferMinutes?: number;
  maxPhotoBytes?: number;
  decoder?: QrDecoder;
  /** Invitation links and codes for the deployment's channels. */
  links?: Links;
  /** How long an officer invitation works (default 7 days). */
  inviteDays?: number;
  /**
   * Parts other features add to /stats (area levels, venue ratings), each reading and auditing in the
   * officer's scope; app.ts passes them in so that dependencies keep pointing one way.
   */
  statsSections?: StatsSection[];
}

export type StatsSection = (env: EffectEnv, officer: OfficerScope) => Promise<Reply[]>;

/** "2021-08-01" → "01/08/2021". */
const dmy = (iso: string | undefined) => (iso ? iso.split("-").reverse().join("/") : "");
const pct = (n: number, of: number) => (of === 0 ? 0 : Math.round((100 * n) / of));

function statsText(s: Stats, days: number, ctx: StepContext): string {
  const t = ctx.t;
  const d = s.totals;
  const reported = s.groups.reduce((n, g) => n + g.reported, 0);
  const active = s.groups.reduce((n, g) => n + g.active, 0);
  const lines = [
    t("tracing:stats.head", { n: days, from: dmy(s.days[0]), to: dmy(s.days.at(-1)) }),
    t("tracing:stats.declarations", {
      n: d.declarations,
      red: d.red,
      redPct: pct(d.red, d.declarations),
      yellow: d.yellow,
      yellowPct: pct(d.yellow, d.declarations),
    }),
    t("tracing:stats.checkinsLine", { n: s.checkinTotal }),
    ...s.busiest.slice(0, 3).map((b) => `• ${b.name}: ${b.n}`),
    t("tracing:stats.monitoring", {
      groups: s.groups.length,
      reported,
      active,
      pct: pct(reported, active),
    }),
    ...s.groups
      .slice(0, 10)
      .map((g) => `• ${g.name}: ${g.reported}/${g.active} (${pct(g.reported, g.active)}%)`),
    t("tracing:stats.followed", { quarantined: s.quarantined, lockedDown: s.lockedDown }),
  ];
  return lines.join("\n");
}

/** The officials: /trace with its follow-up, /followup, /stats with charts, /audit for administrators. */
export function tracingFeature(deps: TracingFeatureDeps): Feature {
  let decoder = deps.decoder;
  const qr = () => {
    decoder ??= createQrDecoder();
    return decoder;
  };

  const effects: Pick<EffectHandlers, TracingEffectType> = {
    ...adminEffects({
      links: deps.links ?? createLinks({ botUsername: () => undefined }),
      inviteDays: deps.inviteDays,
    }),
    ...traceEffects({
      i18n: deps.i18n,
      qrSigningKey: deps.qrSigningKey,
      decoder: qr,
      maxPhotoBytes: deps.maxPhotoBytes ?? 10 * 1024 * 1024,
      bufferMinutes: deps.bufferMinutes,
    }),
    "tracing.stats": async (e, env) => {
      const officer = await requireOfficer(env);
      const stats = await computeStats(env.tx, {
        officer,
        days: e.days,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      await auditStatsView(env.tx, { officer, days: e.days, now: env.now });
      const charts = await statsCharts(stats, env.ctx.t);
      const replies: Reply[] = [text(statsText(stats, e.days, env.ctx))];
      for (const c of charts)
        replies.push({
          kind: "photo",
          png: c.png,
          caption: env.ctx.t(`tracing:stats.chart.${c.name}`),
          fileName: `stats-${c.name}.png`,
        });
      for (const section of deps.statsSections ?? []) replies.push(...(await section(env, officer)));
      return replies;
    },
  };

  return {
    name: "tracing",
    home: tracingHome(),
    flows: [
      createTraceFlow(),
      createFollowUpFlow(),
      createStatsFlow(),
      createAuditFlow(),
      createInviteFlow(),
    ],
    idle: (input, ctx) => traceMenu(input, ctx) ?? statsMenu(input, ctx) ?? auditMenu(input, ctx),
    effects: answerErrors(effects, [
      [ForbiddenError, "tracing:forbidden"],
      [GroupClosedError, "tracing:enroll.closed"],
    ]),
  };
}
