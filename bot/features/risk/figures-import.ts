import type { DbOrTx } from "../../../db/client.js";
import type { OfficerScope } from "../../shared/officer-scope.js";
import { ForbiddenError } from "../../shared/roles.js";
import { parseCsv } from "../../shared/spreadsheet.js";
import { parseCoverage, parsePopulation } from "./flow.js";
import { setFigures, UnknownCommuneError } from "./levels.js";

export type LineProblem = "columns" | "commune" | "unknownCommune" | "outOfScope" | "population" | "coverage";

export interface ImportResult {
  saved: number;
  problems: { line: number; problem: LineProblem }[];
}

const HEADER = /^(commune|ma|mã|code)/i;

/**
 * A CSV of `commune_code,population,coverage` (a header line is optional; coverage may be empty). Each good
 * line is stored; each bad one is reported by its line number and changes nothing (every check runs before
 * the line's write, so a refused line cannot undo the others).
 */
export async function importFigures(
  db: DbOrTx,
  p: { officer: OfficerScope; csv: string; now: Date },
): Promise<ImportResult> {
  const table = parseCsv(p.csv);
  const out: ImportResult = { saved: 0, problems: [] };
  for (const [i, cells] of table.entries()) {
    const line = i + 1;
    const [code = "", pop = "", cov = ""] = cells.map((c) => c.trim());
    if (cells.every((c) => c.trim() === "")) continue;
    if (i === 0 && HEADER.test(code)) continue;
    if (cells.length < 2 || cells.length > 3) {
      out.problems.push({ line, problem: "columns" });
      continue;
    }
    if (!/^\d{5}$/.test(code)) {
      out.problems.push({ line, problem: "commune" });
      continue;
    }
    const population = parsePopulation(pop);
    if (population === null) {
      out.problems.push({ line, problem: "population" });
      continue;
    }
    const coverage = cov === "" ? undefined : parseCoverage(cov);
    if (coverage === null) {
      out.problems.push({ line, problem: "coverage" });
      continue;
    }
    try {
      await setFigures(db, { officer: p.officer, communeCode: code, population, coverage, now: p.now });
      out.saved += 1;
    } catch (err) {
      if (err instanceof UnknownCommuneError) out.problems.push({ line, problem: "unknownCommune" });
      else if (err instanceof ForbiddenError) out.problems.push({ line, problem: "outOfScope" });
      else throw err;
    }
  }
  return out;
}
