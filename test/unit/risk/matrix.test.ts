import { describe, expect, it } from "vitest";
import { DEFAULT_MATRIX, MatrixError, parseMatrix, suggestLevel } from "../../../bot/features/risk/matrix.js";

describe("the area level suggestion", () => {
  it.each([
    // f0, population, coverage → level, per 100k
    { f0: 0, population: 10_000, coverage: 80, level: 1, per100k: 0 },
    { f0: 1, population: 10_000, coverage: 80, level: 1, per100k: 10 },
    { f0: 2, population: 10_000, coverage: 80, level: 2, per100k: 20 },
    { f0: 4, population: 10_000, coverage: 70, level: 2, per100k: 40 },
    { f0: 5, population: 10_000, coverage: 70, level: 3, per100k: 50 },
    { f0: 14, population: 10_000, coverage: 95, level: 3, per100k: 140 },
    { f0: 15, population: 10_000, coverage: 95, level: 4, per100k: 150 },
    { f0: 0, population: 10_000, coverage: 69.9, level: 2, per100k: 0 },
    { f0: 2, population: 10_000, coverage: 50, level: 3, per100k: 20 },
    { f0: 5, population: 10_000, coverage: 10, level: 4, per100k: 50 },
    { f0: 30, population: 10_000, coverage: 0, level: 4, per100k: 300 },
    // Coverage unknown: the cautious row.
    { f0: 0, population: 10_000, coverage: null, level: 2, per100k: 0 },
    { f0: 3, population: 23_456, coverage: 75, level: 1, per100k: 12.8 },
  ])("$f0 F0 in $population people, coverage $coverage → level $level", ({ level, per100k, ...x }) => {
    expect(suggestLevel(DEFAULT_MATRIX, x)).toEqual({ level, per100k, matrixVersion: 1, ...x });
  });

  it("suggests nothing without a population", () => {
    expect(suggestLevel(DEFAULT_MATRIX, { f0: 3, population: null, coverage: 90 })).toBeNull();
    expect(suggestLevel(DEFAULT_MATRIX, { f0: 3, population: 0, coverage: 90 })).toBeNull();
  });

  it("reads a configured matrix and refuses a malformed one with its problems", () => {
    const own = { version: 2, caseBands: [10], rows: [{ minCoverage: 0, levels: [1, 3] }] };
    const m = parseMatrix(JSON.stringify(own));
    expect(suggestLevel(m, { f0: 1, population: 10_000, coverage: 90 })?.level).toBe(3);
    expect(parseMatrix(undefined)).toBe(DEFAULT_MATRIX);
    expect(() => parseMatrix("{")).toThrow(MatrixError);
    const bad = JSON.stringify({ ...own, rows: [{ minCoverage: 5, levels: [1, 5] }] });
    expect(() => parseMatrix(bad)).toThrow(/rows\.0\.levels\.1 .*; {2}the last row must start at coverage 0/);
  });
});
