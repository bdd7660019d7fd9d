import { bigint, bigserial, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { checkpoints } from "./checkpoints.js";
import { at } from "./columns.js";
import { users } from "./core.js";

export const SAFETY_RATINGS = ["safe", "low", "medium", "high"] as const;
export type SafetyRating = (typeof SAFETY_RATINGS)[number];

/**
 * A venue's COVID-safety self-assessment: the answers to one version of the checklist, the score and rating
 * they gave, and until when it counts. The newest row of a checkpoint (or, for a part without its own, of
 * its nearest ancestor) is its current assessment; older rows are its history.
 */
export const safetyAssessments = pgTable(
  "safety_assessments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    checkpointId: bigint("checkpoint_id", { mode: "number" })
      .notNull()
      .references(() => checkpoints.id, { onDelete: "cascade" }),
    checklistVersion: integer("checklist_version").notNull(),
    /** { itemId: { answer: "yes" | "no" | "na", note?: string } } */
    answers: jsonb("answers").notNull(),
    /** 0–100: the share of applicable items answered yes. */
    score: integer("score").notNull(),
    rating: text("rating").notNull().$type<SafetyRating>(),
    assessedBy: bigint("assessed_by", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    assessedAt: at("assessed_at").notNull(),
    validUntil: at("valid_until").notNull(),
  },
  (t) => [
    index("safety_assessments_checkpoint_idx").on(t.checkpointId, t.assessedAt),
    index("safety_assessments_valid_idx").on(t.validUntil),
  ],
);
