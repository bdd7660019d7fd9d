import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Provinces and communes/wards with their official codes, loaded by `npm run import-units`. `search` is the
 * name folded for matching (lower case, no diacritics), so "ba dinh" finds "Ba Đình" without extensions.
 */
export const adminUnits = pgTable(
  "admin_units",
  {
    code: text("code").primaryKey(),
    level: text("level").notNull().$type<"province" | "commune">(),
    parentCode: text("parent_code"),
    name: text("name").notNull(),
    fullName: text("full_name").notNull(),
    nameEn: text("name_en"),
    search: text("search").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("admin_units_parent_idx").on(t.parentCode, t.level)],
);
