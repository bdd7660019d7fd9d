import { and, desc, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { declarations, roleGrants } from "../../db/schema/index.js";
import type { Scope } from "./roles.js";

/**
 * What an official may see: everything (administrator), or the places of some communes and whole provinces.
 * Only `commune` and `province` grants of the officer roles count: a commune officer's grant for one
 * lockdown group (scope `group`) runs that group, it does not open the commune's personal data.
 */
export interface OfficerScope {
  userId: number;
  admin: boolean;
  communes: string[];
  provinces: string[];
}

export const OFFICER_ROLES = ["commune_officer", "district_officer"] as const;

/** Where someone lives or something is: official codes, either may be unknown. */
export interface Place {
  provinceCode: string | null;
  communeCode: string | null;
}

/** The person's officer scope, or null when they hold no officer role (nor admin). */
export async function officerScope(db: DbOrTx, userId: number): Promise<OfficerScope | null> {
  const rows = await db
    .select({ role: roleGrants.role, type: roleGrants.scopeType, id: roleGrants.scopeId })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), inArray(roleGrants.role, ["admin", ...OFFICER_ROLES])));
  const admin = rows.some((r) => r.role === "admin");
  const officer = rows.filter((r) => r.role !== "admin");
  const communes = [...new Set(officer.filter((r) => r.type === "commune").map((r) => r.id))].sort();
  const provinces = [...new Set(officer.filter((r) => r.type === "province").map((r) => r.id))].sort();
  if (!admin && communes.length === 0 && provinces.length === 0) return null;
  return { userId, admin, communes, provinces };
}

/**
 * The grant under which the officer sees this place (what audit rows record), or null when it is outside
 * their scope. A place without codes is outside every scope but the administrator's.
 */
export function coveringScope(scope: OfficerScope, place: Place): Scope | null {
  if (place.communeCode && scope.communes.includes(place.communeCode))
    return { type: "commune", id: place.communeCode };
  if (place.provinceCode && scope.provinces.includes(place.provinceCode))
    return { type: "province", id: place.provinceCode };
  return scope.admin ? { type: "global" } : null;
}

export const inScope = (scope: OfficerScope, place: Place) => coveringScope(scope, place) !== null;

/**
 * The same rule as a SQL condition on a row's province and commune columns (raw SQL fragments or drizzle
 * columns), so that queries filter inside the database.
 */
export function scopeCondition(scope: OfficerScope, provinceCol: SQLWrapper, communeCol: SQLWrapper): SQL {
  if (scope.admin) return sql`true`;
  const parts: SQL[] = [];
  if (scope.communes.length > 0)
    parts.push(
      sql`${communeCol} in (${sql.join(
        scope.communes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    );
  if (scope.provinces.length > 0)
    parts.push(
      sql`${provinceCol} in (${sql.join(
        scope.provinces.map((p) => sql`${p}`),
        sql`, `,
      )})`,
    );
  return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`;
}

/** Where a person lives for officers: the commune and province of their newest declaration. */
export async function residenceOf(db: DbOrTx, personId: number): Promise<Place | null> {
  const [row] = await db
    .select({ provinceCode: declarations.provinceCode, communeCode: declarations.communeCode })
    .from(declarations)
    .where(eq(declarations.personId, personId))
    .orderBy(desc(declarations.declaredAt), desc(declarations.id))
    .limit(1);
  return row ?? null;
}

/**
 * The scope an audit row stores when no single place is concerned (a stats view): the one grant, or
 * undefined when there are several (the row's detail then carries describeScope).
 */
export function summaryScope(scope: OfficerScope): Scope | undefined {
  if (scope.admin) return { type: "global" };
  const [commune] = scope.communes;
  const [province] = scope.provinces;
  if (commune && scope.communes.length === 1 && scope.provinces.length === 0)
    return { type: "commune", id: commune };
  if (province && scope.provinces.length === 1 && scope.communes.length === 0)
    return { type: "province", id: province };
  return undefined;
}

/** "communes 00004, 00007; province 01": the scope as a line of text and an audit detail. */
export function describeScope(scope: OfficerScope): string {
  if (scope.admin) return "*";
  const parts: string[] = [];
  if (scope.communes.length > 0) parts.push(`commune:${scope.communes.join(",")}`);
  if (scope.provinces.length > 0) parts.push(`province:${scope.provinces.join(",")}`);
  return parts.join(" ");
}
