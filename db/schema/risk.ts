import { bigint, bigserial, index, integer, jsonb, pgTable, real, text } from "drizzle-orm/pg-core";
import { at, day } from "./columns.js";
import { users } from "./core.js";

/**
 * A commune's risk level as an officer set it (1 low/green … 4 very high/red), from the local day
 * `effectiveFrom`. Rows are never changed: the newest row in effect is the current level, the others its
 * history. The suggestion the bot made at that moment and the figures it came from are kept beside it.
 */
export const communeLevels = pgTable(
  "commune_levels",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    communeCode: text("commune_code").notNull(),
    level: integer("level").notNull(),
    reason: text("reason").notNull(),
    effectiveFrom: day("effective_from").notNull(),
    setBy: bigint("set_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
    setAt: at("set_at").notNull(),
    suggestedLevel: integer("suggested_level"),
    /** { matrixVersion, f0, population, per100k, coverage } when the level was set. */
    suggestion: jsonb("suggestion"),
  },
  (t) => [index("commune_levels_commune_idx").on(t.communeCode, t.effectiveFrom, t.setAt)],
);

/** The figures a suggestion needs, entered by officers or imported from a CSV: one row per commune. */
export const communeFigures = pgTable("commune_figures", {
  communeCode: text("commune_code").primaryKey(),
  population: integer("population"),
  /** Vaccination coverage in percent (0–100). */
  coverage: real("coverage"),
  updatedBy: bigint("updated_by", { mode: "number" }).references(() => users.id, { onDelete: "set null" }),
  updatedAt: at("updated_at").notNull(),
});
