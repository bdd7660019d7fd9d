import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { TFunction } from "i18next";
import type { DbOrTx } from "../../../db/client.js";
import { adminUnits } from "../../../db/schema/index.js";
import { renderBarChart } from "../../render/charts.js";
import { audit } from "../../shared/audit.js";
import { describeScope, type OfficerScope, summaryScope } from "../../shared/officer-scope.js";
import { currentLevels } from "./levels.js";
import { LEVELS } from "./matrix.js";

const LEVEL_COLORS: Record<number, string> = { 1: "#2e9e4f", 2: "#e0a800", 3: "#f07c1b", 4: "#d63c3c" };

export interface LevelStats {
  /** Communes in scope at each level; `none` have no level set. */
  counts: Record<1 | 2 | 3 | 4, number> & { none: number };
  /** Communes at level 3 or 4, highest first. */
  high: { code: string; name: string; level: number; from: string }[];
}

/** The communes the officer follows: their own, those of their provinces, or all for an administrator. */
async function communesInScope(db: DbOrTx, o: OfficerScope) {
  const commune = eq(adminUnits.level, "commune");
  if (o.admin)
    return db.select({ code: adminUnits.code, name: adminUnits.fullName }).from(adminUnits).where(commune);
  const parts = [];
  if (o.communes.length > 0) parts.push(inArray(adminUnits.code, o.communes));
  if (o.provinces.length > 0) parts.push(inArray(adminUnits.parentCode, o.provinces));
  if (parts.length === 0) return [];
  return db
    .select({ code: adminUnits.code, name: adminUnits.fullName })
    .from(adminUnits)
    .where(and(commune, or(...parts)))
    .orderBy(asc(adminUnits.code));
}

/** Communes by level for /stats, read in the officer's scope and audited. */
export async function levelStats(
  db: DbOrTx,
  p: { officer: OfficerScope; today: string; now: Date },
): Promise<LevelStats> {
  const communes = await communesInScope(db, p.officer);
  const levels = await currentLevels(
    db,
    communes.map((c) => c.code),
    p.today,
  );
  const counts = { 1: 0, 2: 0, 3: 0, 4: 0, none: 0 };
  const high: LevelStats["high"] = [];
  for (const c of communes) {
    const l = levels.get(c.code);
    if (!l) {
      counts.none += 1;
      continue;
    }
    counts[l.level as 1 | 2 | 3 | 4] += 1;
    if (l.level >= 3) high.push({ code: c.code, name: c.name, level: l.level, from: l.effectiveFrom });
  }
  high.sort((a, b) => b.level - a.level || a.name.localeCompare(b.name, "vi"));
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "risk.stats",
    scope: summaryScope(p.officer),
    detail: { scope: describeScope(p.officer), communes: communes.length },
    at: p.now,
  });
  return { counts, high };
}

/** One bar per level, in its colour. */
export function levelChart(s: LevelStats, t: TFunction): Promise<Buffer> {
  return renderBarChart({
    title: t("risk:stats.chart"),
    labels: LEVELS.map((l) => t(`risk:levels.${l}`)),
    stacked: true,
    series: LEVELS.map((l) => ({
      label: t(`risk:levels.${l}`),
      data: LEVELS.map((x) => (x === l ? s.counts[l] : 0)),
      color: LEVEL_COLORS[l]!,
    })),
  });
}
