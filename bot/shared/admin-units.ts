import { and, asc, count, eq, like, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import { adminUnits } from "../../db/schema/index.js";
import { fold } from "./fold.js";

/** The unit list format (see ../shared/data/vn-admin-units-2025.json): provinces, each with its wards. */
export const unitsFileSchema = z.object({
  provinces: z.array(
    z.object({
      code: z.string().regex(/^\d{2}$/),
      name: z.string().min(1),
      fullName: z.string().min(1),
      nameEn: z.string().optional(),
      wards: z.array(
        z.object({ code: z.string().regex(/^\d{5}$/), name: z.string().min(1), fullName: z.string().min(1) }),
      ),
    }),
  ),
});
export type UnitsFile = z.infer<typeof unitsFileSchema>;

export interface Commune {
  code: string;
  name: string;
}

const BATCH = 500;

/** Inserts or updates every province and commune of the file; returns how many of each. */
export async function importAdminUnits(
  db: DbOrTx,
  file: UnitsFile,
  now: Date,
): Promise<{ provinces: number; communes: number }> {
  type Row = typeof adminUnits.$inferInsert;
  const rows: Row[] = [];
  for (const p of file.provinces) {
    rows.push({
      code: p.code,
      level: "province",
      parentCode: null,
      name: p.name,
      fullName: p.fullName,
      nameEn: p.nameEn ?? null,
      search: fold(p.name),
      updatedAt: now,
    });
    for (const w of p.wards) {
      rows.push({
        code: w.code,
        level: "commune",
        parentCode: p.code,
        name: w.name,
        fullName: w.fullName,
        nameEn: null,
        search: fold(w.name),
        updatedAt: now,
      });
    }
  }
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insert(adminUnits)
      .values(rows.slice(i, i + BATCH))
      .onConflictDoUpdate({
        target: adminUnits.code,
        set: {
          level: sql`excluded.level`,
          parentCode: sql`excluded.parent_code`,
          name: sql`excluded.name`,
          fullName: sql`excluded.full_name`,
          nameEn: sql`excluded.name_en`,
          search: sql`excluded.search`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
  const communes = rows.filter((r) => r.level === "commune").length;
  return { provinces: rows.length - communes, communes };
}

// People often type the kind of unit too: "phường Ba Đình", "xa Tam Hung", "p. Láng".
const KIND_PREFIX = /^(phuong|xa|thi tran|dac khu|p|x|tt)\s+/;

/** Up to `limit` communes of a province whose name contains what was typed, best matches first. */
export async function searchCommunes(
  db: DbOrTx,
  provinceCode: string,
  typed: string,
  limit = 8,
): Promise<Commune[]> {
  const q = fold(typed).replace(KIND_PREFIX, "");
  if (q === "") return [];
  return db
    .select({ code: adminUnits.code, name: adminUnits.fullName })
    .from(adminUnits)
    .where(
      and(
        eq(adminUnits.parentCode, provinceCode),
        eq(adminUnits.level, "commune"),
        like(adminUnits.search, `%${q}%`),
      ),
    )
    .orderBy(
      sql`${adminUnits.search} = ${q} desc`,
      sql`${adminUnits.search} like ${`${q}%`} desc`,
      asc(adminUnits.search),
    )
    .limit(limit);
}

export async function countCommunes(db: DbOrTx, provinceCode: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(adminUnits)
    .where(and(eq(adminUnits.parentCode, provinceCode), eq(adminUnits.level, "commune")));
  return Number(row?.n ?? 0);
}

export async function communeByCode(db: DbOrTx, code: string): Promise<Commune | null> {
  const [row] = await db
    .select({ code: adminUnits.code, name: adminUnits.fullName })
    .from(adminUnits)
    .where(and(eq(adminUnits.code, code), eq(adminUnits.level, "commune")));
  return row ?? null;
}
