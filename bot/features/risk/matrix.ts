import { z } from "zod";

export const LEVELS = [1, 2, 3, 4] as const;
export type Level = (typeof LEVELS)[number];

export const isLevel = (n: unknown): n is Level =>
  typeof n === "number" && (LEVELS as readonly number[]).includes(n);

/**
 * The threshold matrix that suggests an area level, as data with a version (RISK_MATRIX overrides it).
 * Columns are bands of new community cases (F0) per 100,000 people over the last 7 days: `caseBands` are
 * the upper bounds of all but the last band. Rows are bands of vaccination coverage, highest first; the
 * first row whose `minCoverage` the commune reaches gives the levels for each case band. An unknown
 * coverage uses the last row (the cautious one).
 */
const levelSchema = z.number().int().min(1).max(4);

export const matrixSchema = z
  .object({
    version: z.number().int().min(1),
    caseBands: z.array(z.number().positive()).min(1),
    rows: z.array(z.object({ minCoverage: z.number().min(0).max(100), levels: z.array(levelSchema) })).min(1),
  })
  .superRefine((m, ctx) => {
    if (m.caseBands.some((b, i) => i > 0 && b <= m.caseBands[i - 1]!))
      ctx.addIssue({ code: "custom", message: "caseBands must rise" });
    for (const [i, r] of m.rows.entries())
      if (r.levels.length !== m.caseBands.length + 1)
        ctx.addIssue({ code: "custom", message: `rows[${i}] needs ${m.caseBands.length + 1} levels` });
    if (m.rows.some((r, i) => i > 0 && r.minCoverage >= m.rows[i - 1]!.minCoverage))
      ctx.addIssue({ code: "custom", message: "rows must go from the highest coverage down" });
    if (m.rows.at(-1)?.minCoverage !== 0)
      ctx.addIssue({ code: "custom", message: "the last row must start at coverage 0" });
  });
export type RiskMatrix = z.infer<typeof matrixSchema>;

/**
 * After the Ministry of Health's 2021 guidance (Decision 4800/QĐ-BYT): fewer than 20, 20–49, 50–149 and
 * 150 or more cases per 100,000 a week; with coverage of 70 % or more each band is one level lower than
 * without.
 */
export const DEFAULT_MATRIX: RiskMatrix = {
  version: 1,
  caseBands: [20, 50, 150],
  rows: [
    { minCoverage: 70, levels: [1, 2, 3, 4] },
    { minCoverage: 0, levels: [2, 3, 4, 4] },
  ],
};

export class MatrixError extends Error {
  constructor(readonly problems: string[]) {
    super(`RISK_MATRIX: ${problems.join("; ")}`);
    this.name = "MatrixError";
  }
}

/** RISK_MATRIX as JSON, or the built-in matrix when unset; a bad one stops the start with its problems. */
export function parseMatrix(json: string | undefined): RiskMatrix {
  if (!json) return DEFAULT_MATRIX;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new MatrixError(["not valid JSON"]);
  }
  const parsed = matrixSchema.safeParse(raw);
  if (!parsed.success)
    throw new MatrixError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
  return parsed.data;
}

export interface SuggestionInputs {
  /** People marked F0 whose latest declaration is in the commune, in the last 7 days. */
  f0: number;
  population: number | null;
  /** Percent, 0–100; null when not entered. */
  coverage: number | null;
}

export interface Suggestion {
  level: Level;
  matrixVersion: number;
  f0: number;
  population: number;
  /** Cases per 100,000, one decimal. */
  per100k: number;
  coverage: number | null;
}

/** The suggested level, or null when the population is unknown (no rate can be worked out). */
export function suggestLevel(m: RiskMatrix, x: SuggestionInputs): Suggestion | null {
  if (!x.population || x.population <= 0) return null;
  const rate = (x.f0 * 100_000) / x.population;
  let band = m.caseBands.findIndex((upper) => rate < upper);
  if (band === -1) band = m.caseBands.length;
  const row = m.rows.find((r) => x.coverage !== null && x.coverage >= r.minCoverage) ?? m.rows.at(-1)!;
  return {
    level: row.levels[band] as Level,
    matrixVersion: m.version,
    f0: x.f0,
    population: x.population,
    per100k: Math.round(rate * 10) / 10,
    coverage: x.coverage,
  };
}
