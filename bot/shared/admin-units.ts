import { readFile } from "node:fs/promises";
import { and, asc, count, eq, like, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client.js";
import { adminUnits } from "../../db/schema/index.js";
import { fold } from "./fold.js";

/** The unit list format (that of db/data/vn-admin-units-2025.json): provinces, each with its wards. */
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

/** The official 2025 list shipped with the product (MIT-licensed public data; licence beside it). */
export const SHIPPED_UNITS_FILE = new URL("../../db/data/vn-admin-units-2025.json", import.meta.url);

/** Reads and checks a unit list; the error names the file and the first field that is wrong. */
export async function readUnitsFile(path: string | URL): Promise<UnitsFile> {
  const raw = await readFile(path, "utf8");
  const parsed = unitsFileSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(path)} is not a unit list: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

// Any constant: instances starting together load the list once, one after the other.
const UNITS_LOCK = 72_410_002;

/**
 * At start: loads the shipped list when the database holds no commune yet, so every install can resolve
 * addresses and scopes. A database that has communes (from an earlier start or `npm run import-units` with a
 * newer list) is left as it is. Returns what was loaded (zeros when nothing was).
 */
export async function ensureAdminUnits(
  db: DbOrTx,
  now: Date,
  file: string | URL = SHIPPED_UNITS_FILE,
): Promise<{ provinces: number; communes: number }> {
  const none = { provinces: 0, communes: 0 };
  const has = async (tx: DbOrTx) => {
    const [row] = await tx.select({ n: count() }).from(adminUnits).where(eq(adminUnits.level, "commune"));
    return Number(row?.n ?? 0) > 0;
  };
  if (await has(db)) return none;
  const list = await readUnitsFile(file);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${UNITS_LOCK})`);
    return (await has(tx)) ? none : importAdminUnits(tx, list, now);
  });
}

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

/**
 * Up to `limit` communes of a province whose name contains what was typed, best first: the same name, then
 * names starting with it, then names with a word starting with it. Folding makes "Cẩm Thủy", "cam thuy" and
 * "Cẩm Thuỷ" (the other tone-mark placement) the same.
 */
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
      sql`${adminUnits.search} like ${`% ${q}%`} desc`,
      asc(adminUnits.search),
    )
    .limit(limit);
}

export type CommuneMatch =
  | { kind: "one"; commune: Commune }
  | { kind: "none" }
  | { kind: "several"; communes: Commune[] };

/**
 * A commune written in a file (a list, a CSV) where nobody can be asked to choose: its 5-digit code, or a name
 * that only one commune of the province has or matches exactly ("Cẩm Thủy", "xã Cẩm Thuỷ").
 */
export async function resolveCommune(
  db: DbOrTx,
  provinceCode: string,
  written: string,
): Promise<CommuneMatch> {
  const text = written.trim();
  if (/^\d{5}$/.test(text)) {
    const byCode = await communeByCode(db, text);
    const inProvince = byCode && (await provinceOfCommune(db, text)) === provinceCode;
    return inProvince ? { kind: "one", commune: byCode } : { kind: "none" };
  }
  const found = await searchCommunes(db, provinceCode, text, 6);
  if (found.length === 1) return { kind: "one", commune: found[0]! };
  const q = fold(text).replace(KIND_PREFIX, "");
  const exact = found.filter((c) => fold(c.name).replace(KIND_PREFIX, "") === q);
  if (exact.length === 1) return { kind: "one", commune: exact[0]! };
  return found.length === 0
    ? { kind: "none" }
    : { kind: "several", communes: exact.length > 1 ? exact : found };
}

/** The province code a commune belongs to, or null for an unknown code. */
export async function provinceOfCommune(db: DbOrTx, code: string): Promise<string | null> {
  const [row] = await db
    .select({ p: adminUnits.parentCode })
    .from(adminUnits)
    .where(eq(adminUnits.code, code));
  return row?.p ?? null;
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
