import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { adminUnits } from "../../../db/schema/index.js";
import { searchCommunes } from "../../shared/admin-units.js";
import type { OfficerScope } from "../../shared/officer-scope.js";
import { communeRef } from "./levels.js";

/**
 * Communes whose name contains what the officer typed, among those they may set: in their provinces, or
 * their own communes (searched in those communes' provinces, then kept only when granted).
 */
export async function searchInScope(db: DbOrTx, o: OfficerScope, typed: string) {
  const provinces = new Set(o.provinces);
  const own = new Set(o.communes);
  for (const c of o.communes) {
    const ref = await communeRef(db, c);
    if (ref?.provinceCode) provinces.add(ref.provinceCode);
  }
  if (o.admin) {
    const all = await db
      .select({ code: adminUnits.code })
      .from(adminUnits)
      .where(eq(adminUnits.level, "province"));
    for (const p of all) provinces.add(p.code);
  }
  const out = [];
  for (const p of provinces) {
    for (const c of await searchCommunes(db, p, typed, 8))
      if (o.admin || o.provinces.includes(p) || own.has(c.code)) out.push(c);
  }
  return out.slice(0, 8);
}
