import { asc } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { checkpoints } from "../../../db/schema/index.js";
import type { EffectEnv } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import type { Reply } from "../../core/types.js";
import { audit } from "../../shared/audit.js";
import { localDay } from "../../shared/local-time.js";
import {
  describeScope,
  type OfficerScope,
  scopeCondition,
  summaryScope,
} from "../../shared/officer-scope.js";
import { toCsv, toXlsx } from "../../shared/spreadsheet.js";
import { type Assessment, newestOf } from "./assessments.js";
import { SAFETY_RATINGS, type SafetyRating } from "./checklist.js";
import { ratingLabel } from "./status-text.js";

export interface VenueRow {
  id: number;
  name: string;
  address: string;
  status: SafetyRating | "expired" | "none";
  assessedAt: Date | null;
  validUntil: Date | null;
}

/**
 * Every venue in the officer's scope with its status, a part taking its building's assessment when it has
 * none of its own (as visitors see it). Audited as one view.
 */
export async function venueRatings(db: DbOrTx, p: { officer: OfficerScope; now: Date }): Promise<VenueRow[]> {
  const places = await db
    .select()
    .from(checkpoints)
    .where(scopeCondition(p.officer, checkpoints.provinceCode, checkpoints.communeCode))
    .orderBy(asc(checkpoints.name), asc(checkpoints.id));
  const ids = new Set(places.flatMap((c) => (c.parentId ? [c.id, c.parentId] : [c.id])));
  const newest = await newestOf(db, [...ids]);
  const rows = places.map((c): VenueRow => {
    const a: Assessment | undefined = newest.get(c.id) ?? (c.parentId ? newest.get(c.parentId) : undefined);
    const base = { id: c.id, name: c.name, address: c.address };
    if (!a) return { ...base, status: "none", assessedAt: null, validUntil: null };
    const status = a.validUntil > p.now ? a.rating : "expired";
    return { ...base, status, assessedAt: a.assessedAt, validUntil: a.validUntil };
  });
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "safety.stats",
    scope: summaryScope(p.officer),
    detail: { scope: describeScope(p.officer), venues: rows.length },
    at: p.now,
  });
  return rows;
}

/** The /stats part of venue ratings: counts, the not assessed and overdue by name, and the list as files. */
export function safetyStatsSection() {
  return async (env: EffectEnv, officer: OfficerScope): Promise<Reply[]> => {
    const { t, timeZone } = env.ctx;
    const venues = await venueRatings(env.tx, { officer, now: env.now });
    if (venues.length === 0) return [];
    const count = (s: VenueRow["status"]) => venues.filter((v) => v.status === s).length;
    const lines = [t("safety:stats.head", { n: venues.length })];
    for (const r of SAFETY_RATINGS) lines.push(`${ratingLabel(t, r)}: ${count(r)}`);
    lines.push(
      t("safety:stats.expired", { n: count("expired") }),
      t("safety:stats.none", { n: count("none") }),
    );
    const late = venues.filter((v) => v.status === "expired" || v.status === "none");
    if (late.length > 0) {
      lines.push("", t("safety:stats.toFollow"));
      for (const v of late.slice(0, 15)) lines.push(`• ${v.name} — ${t(`safety:stats.status.${v.status}`)}`);
    }
    const day = (d: Date | null) => (d ? localDay(d, timeZone) : "");
    const table = [
      [
        t("safety:stats.columns.name"),
        t("safety:stats.columns.address"),
        t("safety:stats.columns.status"),
        t("safety:stats.columns.assessed"),
        t("safety:stats.columns.validUntil"),
      ],
      ...venues.map((v) => [
        v.name,
        v.address,
        t(`safety:stats.status.${v.status}`),
        day(v.assessedAt),
        day(v.validUntil),
      ]),
    ];
    return [
      text(lines.join("\n")),
      {
        kind: "document",
        bytes: toCsv(table),
        fileName: "venues-safety.csv",
        mimeType: "text/csv",
        caption: t("safety:stats.caption"),
      },
      {
        kind: "document",
        bytes: await toXlsx(table, t("safety:stats.sheet")),
        fileName: "venues-safety.xlsx",
        mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      },
    ];
  };
}
