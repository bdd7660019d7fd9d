import { type AnyColumn, and, desc, eq, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import type { Param } from "../../../db/compiled.js";
import { adminUnits, communeFigures, communeLevels } from "../../../db/schema/index.js";
import { audit } from "../../shared/audit.js";
import { coveringScope, type OfficerScope } from "../../shared/officer-scope.js";
import { ForbiddenError, type Scope } from "../../shared/roles.js";
import { isLevel, type Level, type RiskMatrix, type Suggestion, suggestLevel } from "./matrix.js";

/** Rows of a raw query on either driver (postgres.js gives an array, PGlite an object with rows). */
async function rawRows(db: DbOrTx, query: SQL): Promise<Record<string, unknown>[]> {
  const result = (await db.execute(query)) as unknown;
  return Array.isArray(result) ? result : ((result as { rows: Record<string, unknown>[] }).rows ?? []);
}

export type LevelRow = typeof communeLevels.$inferSelect;

export class UnknownCommuneError extends Error {
  constructor(readonly code: string) {
    super(`no commune ${code}`);
    this.name = "UnknownCommuneError";
  }
}

export class BadLevelError extends Error {
  constructor() {
    super("a level is 1 to 4");
    this.name = "BadLevelError";
  }
}

export interface CommuneRef {
  code: string;
  name: string;
  provinceCode: string | null;
}

export async function communeRef(db: DbOrTx, code: string): Promise<CommuneRef | null> {
  const [row] = await db
    .select({ code: adminUnits.code, name: adminUnits.fullName, provinceCode: adminUnits.parentCode })
    .from(adminUnits)
    .where(and(eq(adminUnits.code, code), eq(adminUnits.level, "commune")));
  return row ?? null;
}

/** The commune, if the officer's scope covers it (its own grant or its province's); throws otherwise. */
export async function requireCommune(
  db: DbOrTx,
  officer: OfficerScope,
  code: string,
): Promise<{ commune: CommuneRef; scope: Scope }> {
  const commune = await communeRef(db, code);
  if (!commune) throw new UnknownCommuneError(code);
  const scope = coveringScope(officer, { communeCode: commune.code, provinceCode: commune.provinceCode });
  if (!scope) throw new ForbiddenError(`officer of commune ${code}`);
  return { commune, scope };
}

/** The level in effect on a local day ("YYYY-MM-DD"): the newest row that has taken effect by then. */
export async function currentLevel(db: DbOrTx, code: string, today: string): Promise<LevelRow | null> {
  const [row] = await db
    .select()
    .from(communeLevels)
    .where(and(eq(communeLevels.communeCode, code), lte(communeLevels.effectiveFrom, today)))
    .orderBy(desc(communeLevels.effectiveFrom), desc(communeLevels.setAt), desc(communeLevels.id))
    .limit(1);
  return row ?? null;
}

/**
 * `currentLevel` as one expression over a checkpoint's row (its commune), for the statement that reads the
 * checkpoint at a check-in: `{ level, from }` as JSON, or null.
 */
export function currentLevelSql(communeCode: SQL | AnyColumn, today: Param<string>): SQL {
  return sql`(select json_build_object('level', l.level, 'from', l.effective_from)
    from ${communeLevels} l
    where l.commune_code = ${communeCode} and l.effective_from <= ${today}::date
    order by l.effective_from desc, l.set_at desc, l.id desc limit 1)`;
}

/** The level in effect in each of these communes. */
export async function currentLevels(
  db: DbOrTx,
  codes: string[],
  today: string,
): Promise<Map<string, LevelRow>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([communeLevels.communeCode])
    .from(communeLevels)
    .where(and(inArray(communeLevels.communeCode, codes), lte(communeLevels.effectiveFrom, today)))
    .orderBy(
      communeLevels.communeCode,
      desc(communeLevels.effectiveFrom),
      desc(communeLevels.setAt),
      desc(communeLevels.id),
    );
  return new Map(rows.map((r) => [r.communeCode, r]));
}

export async function levelHistory(db: DbOrTx, code: string, limit = 5): Promise<LevelRow[]> {
  return db
    .select()
    .from(communeLevels)
    .where(eq(communeLevels.communeCode, code))
    .orderBy(desc(communeLevels.setAt), desc(communeLevels.id))
    .limit(limit);
}

/**
 * People marked F0 (a trace's case confirmed) in the last 7 days whose newest declaration is in the commune.
 * Counted by person, so two traces of one case count once.
 */
export async function recentF0(db: DbOrTx, code: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - 7 * 86_400_000);
  const list = await rawRows(
    db,
    sql`
    select count(distinct t.case_person_id)::int as n
    from traces t
    join lateral (
      select d.commune_code from declarations d where d.person_id = t.case_person_id
      order by d.declared_at desc, d.id desc limit 1
    ) r on true
    where t.confirmed_at >= ${since.toISOString()}::timestamptz and t.confirmed_at <= ${now.toISOString()}::timestamptz
      and r.commune_code = ${code}`,
  );
  return Number(list[0]?.n ?? 0);
}

export async function figuresOf(db: DbOrTx, code: string) {
  const [row] = await db.select().from(communeFigures).where(eq(communeFigures.communeCode, code));
  return { population: row?.population ?? null, coverage: row?.coverage ?? null };
}

/** The bot's suggestion for a commune now, with the figures it came from (null: no population yet). */
export async function suggestionFor(
  db: DbOrTx,
  matrix: RiskMatrix,
  code: string,
  now: Date,
): Promise<{
  suggestion: Suggestion | null;
  f0: number;
  population: number | null;
  coverage: number | null;
}> {
  const f0 = await recentF0(db, code, now);
  const figures = await figuresOf(db, code);
  return { suggestion: suggestLevel(matrix, { f0, ...figures }), f0, ...figures };
}

export interface SetLevel {
  officer: OfficerScope;
  communeCode: string;
  level: number;
  reason: string;
  /** Local day "YYYY-MM-DD" from which it counts. */
  effectiveFrom: string;
  now: Date;
  today: string;
  matrix: RiskMatrix;
}

/**
 * Records an officer's decision (the suggestion beside it) and audits it. `changed` says whether the level
 * in effect on that day differs from the one before, which is when residents are told.
 */
export async function setLevel(
  db: DbOrTx,
  p: SetLevel,
): Promise<{ row: LevelRow; previous: LevelRow | null; changed: boolean; commune: CommuneRef }> {
  if (!isLevel(p.level)) throw new BadLevelError();
  const { commune, scope } = await requireCommune(db, p.officer, p.communeCode);
  // The level this one replaces: the one in effect on its first day, or today for a backdated one.
  const asOf = [p.effectiveFrom, p.today].sort().at(-1)!;
  const previous = await currentLevel(db, commune.code, asOf);
  const s = await suggestionFor(db, p.matrix, commune.code, p.now);
  const [row] = await db
    .insert(communeLevels)
    .values({
      communeCode: commune.code,
      level: p.level as Level,
      reason: p.reason,
      effectiveFrom: p.effectiveFrom,
      setBy: p.officer.userId,
      setAt: p.now,
      suggestedLevel: s.suggestion?.level ?? null,
      suggestion: {
        matrixVersion: p.matrix.version,
        f0: s.f0,
        population: s.population,
        coverage: s.coverage,
      },
    })
    .returning();
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "risk.setLevel",
    scope,
    detail: {
      commune: commune.code,
      level: p.level,
      from: p.effectiveFrom,
      suggested: s.suggestion?.level ?? null,
    },
    at: p.now,
  });
  return { row: row!, previous, changed: previous?.level !== p.level, commune };
}

export class BadFigureError extends Error {
  constructor(readonly what: "population" | "coverage") {
    super(`bad ${what}`);
    this.name = "BadFigureError";
  }
}

export const validPopulation = (n: number) => Number.isInteger(n) && n > 0 && n <= 10_000_000;
export const validCoverage = (n: number) => Number.isFinite(n) && n >= 0 && n <= 100;

/** Stores a commune's population and/or coverage (what is not given is kept), in the officer's scope. */
export async function setFigures(
  db: DbOrTx,
  p: { officer: OfficerScope; communeCode: string; population?: number; coverage?: number; now: Date },
): Promise<CommuneRef> {
  if (p.population !== undefined && !validPopulation(p.population)) throw new BadFigureError("population");
  if (p.coverage !== undefined && !validCoverage(p.coverage)) throw new BadFigureError("coverage");
  const { commune, scope } = await requireCommune(db, p.officer, p.communeCode);
  const set = {
    ...(p.population !== undefined ? { population: p.population } : {}),
    ...(p.coverage !== undefined ? { coverage: p.coverage } : {}),
    updatedBy: p.officer.userId,
    updatedAt: p.now,
  };
  await db
    .insert(communeFigures)
    .values({ communeCode: commune.code, ...set })
    .onConflictDoUpdate({ target: communeFigures.communeCode, set });
  await audit(db, {
    actorUserId: p.officer.userId,
    action: "risk.setFigures",
    scope,
    detail: { commune: commune.code, population: p.population ?? null, coverage: p.coverage ?? null },
    at: p.now,
  });
  return commune;
}

/** The accounts to tell of a commune's level: those whose (or whose dependent's) newest declaration is there. */
export async function residentsOf(db: DbOrTx, code: string): Promise<number[]> {
  const list = await rawRows(
    db,
    sql`
    select distinct p.user_id from people p
    join lateral (
      select d.commune_code from declarations d where d.person_id = p.id
      order by d.declared_at desc, d.id desc limit 1
    ) r on true
    where r.commune_code = ${code}`,
  );
  return list.map((r) => Number(r.user_id));
}
