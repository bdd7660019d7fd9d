import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { audit } from "../../shared/audit.js";
import { addDays, isoDay, localDate, startOfLocalDay } from "../../shared/local-time.js";
import {
  describeScope,
  type OfficerScope,
  scopeCondition,
  summaryScope,
} from "../../shared/officer-scope.js";
import { placeNames } from "./contacts.js";
import { rawRows } from "./query.js";

export const STATS_DAYS = [7, 14, 30] as const;

export interface DeclarationDay {
  day: string;
  green: number;
  yellow: number;
  red: number;
}

export interface GroupCompliance {
  id: number;
  name: string;
  kind: "facility" | "home" | "lockdown";
  /** Followed today. */
  active: number;
  reported: number;
}

export interface Stats {
  /** Local days "YYYY-MM-DD", oldest first, today last. */
  days: string[];
  declarations: DeclarationDay[];
  totals: { declarations: number; green: number; yellow: number; red: number };
  checkins: { day: string; n: number }[];
  checkinTotal: number;
  busiest: { checkpointId: number; name: string; n: number }[];
  groups: GroupCompliance[];
  /** People followed today in facilities and home quarantine, and in lockdown areas. */
  quarantined: number;
  lockedDown: number;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const col = (name: string) => sql.raw(name);

/**
 * Whether a monitoring group is the officer's: its commune (or that commune's province, from the unit list)
 * is in scope, or — for facilities and home groups, which have no commune — one of the people it follows
 * lives in scope (newest declaration).
 */
function groupInScope(o: OfficerScope): SQL {
  if (o.admin) return sql`true`;
  return sql`(${scopeCondition(o, sql`(select au.parent_code from admin_units au where au.code = g.commune_code)`, col("g.commune_code"))}
    or exists (
      select 1 from monitoring_members m
      join lateral (
        select d.province_code, d.commune_code from declarations d join people pp on pp.id = d.person_id
        where (m.person_id is not null and pp.id = m.person_id)
           or (m.person_id is null and pp.user_id = m.user_id and pp.kind = 'self')
        order by d.declared_at desc, d.id desc limit 1
      ) r on true
      where m.group_id = g.id and m.status = 'active'
        and ${scopeCondition(o, col("r.province_code"), col("r.commune_code"))}
    ))`;
}

/** What /stats shows, for the officer's scope over the last `days` local days (today included). */
export async function computeStats(
  db: DbOrTx,
  p: { officer: OfficerScope; days: number; now: Date; timeZone: string },
): Promise<Stats> {
  const today = localDate(p.now, p.timeZone);
  const days = Array.from({ length: p.days }, (_, i) => isoDay(addDays(today, i - p.days + 1)));
  const from = startOfLocalDay(addDays(today, 1 - p.days), p.timeZone);
  const tz = p.timeZone;
  const dayOf = (c: string) => sql`to_char(${col(c)} at time zone ${tz}, 'YYYY-MM-DD')`;

  const decl = await rawRows(
    db,
    sql`select ${dayOf("d.declared_at")} as day, d.status, count(*)::int as n from declarations d
      where d.declared_at >= ${ts(from)} and d.declared_at <= ${ts(p.now)}
        and ${scopeCondition(p.officer, col("d.province_code"), col("d.commune_code"))}
      group by 1, 2`,
  );
  const declarations = days.map((day) => {
    const n = (status: string) =>
      decl.filter((r) => r.day === day && r.status === status).reduce((s, r) => s + Number(r.n), 0);
    return { day, green: n("green"), yellow: n("yellow"), red: n("red") };
  });
  const sum = (k: "green" | "yellow" | "red") => declarations.reduce((s, d) => s + d[k], 0);
  const totals = { green: sum("green"), yellow: sum("yellow"), red: sum("red"), declarations: 0 };
  totals.declarations = totals.green + totals.yellow + totals.red;

  const visitsInScope = sql`from visits v join checkpoints c on c.id = v.checkpoint_id
    where v.checked_in_at >= ${ts(from)} and v.checked_in_at <= ${ts(p.now)}
      and ${scopeCondition(p.officer, col("c.province_code"), col("c.commune_code"))}`;
  const perDay = await rawRows(
    db,
    sql`select ${dayOf("v.checked_in_at")} as day, count(*)::int as n ${visitsInScope} group by 1`,
  );
  const checkins = days.map((day) => ({
    day,
    n: perDay.filter((r) => r.day === day).reduce((s, r) => s + Number(r.n), 0),
  }));
  const busiest = (
    await rawRows(
      db,
      sql`select c.id, c.name, count(*)::int as n ${visitsInScope}
        group by c.id, c.name order by n desc, c.id limit 8`,
    )
  ).map((r) => ({ checkpointId: Number(r.id), name: String(r.name), n: Number(r.n) }));
  // A part of a checkpoint reads "Market › Hall A".
  const names = await placeNames(
    db,
    busiest.map((b) => b.checkpointId),
  );
  for (const b of busiest) b.name = names.get(b.checkpointId) || b.name;

  const todayIso = isoDay(today);
  const groups = (
    await rawRows(
      db,
      sql`select g.id, g.name, g.kind,
        count(m.id)::int as active,
        count(m.id) filter (where exists (
          select 1 from daily_reports dr where dr.member_id = m.id and dr.local_date = ${todayIso}::date
        ))::int as reported
      from monitoring_groups g
      left join monitoring_members m on m.group_id = g.id and m.status = 'active' and m.user_id is not null
        and m.starts_on <= ${todayIso}::date and m.ends_on > ${todayIso}::date
      where g.closed_at is null and ${groupInScope(p.officer)}
      group by g.id, g.name, g.kind order by g.kind, g.name, g.id`,
    )
  ).map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    kind: String(r.kind) as GroupCompliance["kind"],
    active: Number(r.active),
    reported: Number(r.reported),
  }));
  const followed = (kinds: string[]) =>
    groups.filter((g) => kinds.includes(g.kind)).reduce((s, g) => s + g.active, 0);
  return {
    days,
    declarations,
    totals,
    checkins,
    checkinTotal: checkins.reduce((s, c) => s + c.n, 0),
    busiest,
    groups,
    quarantined: followed(["facility", "home"]),
    lockedDown: followed(["lockdown"]),
  };
}

/** Stats are aggregates, but they name places and groups: each view is an audit row. */
export async function auditStatsView(
  db: DbOrTx,
  p: { officer: OfficerScope; days: number; now: Date },
): Promise<void> {
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "stats.view",
    scope: summaryScope(p.officer),
    detail: { days: p.days, scope: describeScope(p.officer) },
    at: p.now,
  });
}
