import { and, asc, desc, eq, inArray, isNull, lte, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { monitoringGroups, roleGrants } from "../../../db/schema/index.js";
import { communeByCode, provinceOfCommune } from "../../shared/admin-units.js";
import { ForbiddenError, grantRole, type Role } from "../../shared/roles.js";
import { parseWindows, type ReportWindow } from "./reminder-policy.js";

export const GROUP_KINDS = ["facility", "home", "lockdown"] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
export type Group = typeof monitoringGroups.$inferSelect;

/** The roles that run groups; held for `group:<id>` they make a manager of that group. */
export const MANAGER_ROLES: Role[] = ["facility_manager", "commune_officer"];
/** Who sees the group commands in their menu: managers, and district officers (they may open groups). */
export const MANAGER_MENU_ROLES: Role[] = [...MANAGER_ROLES, "district_officer"];

/** The role a group's managers get for it (a lockdown area is the commune's). */
export const managerRoleFor = (kind: GroupKind): Role =>
  kind === "lockdown" ? "commune_officer" : "facility_manager";

export interface NewGroup {
  kind: GroupKind;
  name: string;
  /** Required for a lockdown area. */
  communeCode: string | null;
  place: string;
  /** Local days "YYYY-MM-DD"; reports are due from startsOn to the day before endsOn. */
  startsOn: string;
  endsOn: string;
  windows: ReportWindow[];
}

/**
 * What a person may create: facilities and home groups, and lockdown areas in which communes — their own
 * communes, any commune of the provinces they are district officer of, any commune for an administrator.
 */
export interface CreationRights {
  admin: boolean;
  facility: boolean;
  communes: string[];
  provinces: string[];
}

export async function creationRights(db: DbOrTx, userId: number): Promise<CreationRights> {
  const rows = await db
    .select({ role: roleGrants.role, type: roleGrants.scopeType, id: roleGrants.scopeId })
    .from(roleGrants)
    // District officers put contacts in home quarantine (tracing), so they may open groups too.
    .where(
      and(
        eq(roleGrants.userId, userId),
        inArray(roleGrants.role, ["admin", ...MANAGER_ROLES, "district_officer"]),
      ),
    );
  const admin = rows.some((r) => r.role === "admin");
  // A grant for one group only runs that group; creating needs an appointment for an area.
  const appointed = rows.filter((r) => r.role !== "admin" && r.type !== "group");
  const communes = [...new Set(appointed.filter((r) => r.type === "commune").map((r) => r.id))];
  const provinces = [
    ...new Set(
      appointed.filter((r) => r.role === "district_officer" && r.type === "province").map((r) => r.id),
    ),
  ];
  return { admin, facility: admin || appointed.length > 0, communes, provinces };
}

function checkNewGroup(g: NewGroup): void {
  if (g.name.trim().length < 3) throw new RangeError("a group name needs at least 3 characters");
  if (!(g.startsOn < g.endsOn)) throw new RangeError("a group must end after it starts");
  if (g.windows.length < 1 || g.windows.length > 2) throw new RangeError("one or two report windows");
  if (g.kind === "lockdown" && !g.communeCode) throw new RangeError("a lockdown area needs its commune");
}

/** Creates a group; its creator becomes its manager. Throws ForbiddenError without the right role. */
export async function createGroup(db: DbOrTx, userId: number, g: NewGroup, now: Date): Promise<Group> {
  checkNewGroup(g);
  const rights = await creationRights(db, userId);
  if (g.communeCode && !(await communeByCode(db, g.communeCode)))
    throw new RangeError("the commune is not in the official list");
  const lockdownIn = async (code: string) =>
    rights.admin ||
    rights.communes.includes(code) ||
    rights.provinces.includes((await provinceOfCommune(db, code)) ?? "");
  const allowed =
    g.kind === "lockdown"
      ? await lockdownIn(g.communeCode ?? "")
      : rights.facility || rights.communes.length > 0;
  if (!allowed) throw new ForbiddenError(`create a ${g.kind} group`);
  const [group] = await db
    .insert(monitoringGroups)
    .values({ ...g, createdBy: userId, createdAt: now })
    .returning();
  if (!group) throw new Error("group insert returned nothing");
  await grantRole(db, {
    userId,
    role: managerRoleFor(g.kind),
    scope: { type: "group", id: String(group.id) },
    grantedBy: userId,
  });
  return group;
}

export async function groupById(db: DbOrTx, id: number): Promise<Group | null> {
  const [row] = await db.select().from(monitoringGroups).where(eq(monitoringGroups.id, id));
  return row ?? null;
}

/**
 * The groups a person runs: those of their `group:<id>` grants, the lockdown areas of the communes they
 * are officer of, every group for an administrator. Open ones first, newest first.
 */
export async function managedGroups(
  db: DbOrTx,
  userId: number,
  opts: { includeClosed?: boolean; limit?: number } = {},
): Promise<Group[]> {
  const grants = await db
    .select({ role: roleGrants.role, type: roleGrants.scopeType, id: roleGrants.scopeId })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), inArray(roleGrants.role, ["admin", ...MANAGER_ROLES])));
  const admin = grants.some((g) => g.role === "admin");
  const ids = grants.filter((g) => g.type === "group").map((g) => Number(g.id));
  const communes = grants
    .filter((g) => g.type === "commune" && g.role === "commune_officer")
    .map((g) => g.id);
  const mine: SQL[] = [];
  if (ids.length > 0) mine.push(inArray(monitoringGroups.id, ids));
  if (communes.length > 0) mine.push(inArray(monitoringGroups.communeCode, communes));
  if (!admin && mine.length === 0) return [];
  const open = opts.includeClosed ? undefined : isNull(monitoringGroups.closedAt);
  return db
    .select()
    .from(monitoringGroups)
    .where(and(admin ? undefined : or(...mine), open))
    .orderBy(asc(monitoringGroups.closedAt), desc(monitoringGroups.id))
    .limit(opts.limit ?? 50);
}

export async function canManageGroup(db: DbOrTx, userId: number, group: Group): Promise<boolean> {
  const grants = await db
    .select({ role: roleGrants.role, type: roleGrants.scopeType, id: roleGrants.scopeId })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), inArray(roleGrants.role, ["admin", ...MANAGER_ROLES])));
  return grants.some(
    (g) =>
      g.role === "admin" ||
      (g.type === "group" && g.id === String(group.id)) ||
      (g.type === "commune" && g.role === "commune_officer" && g.id === group.communeCode),
  );
}

/** The group, if this person may run it; ForbiddenError otherwise (and for a group that does not exist). */
export async function requireGroupManager(db: DbOrTx, userId: number, groupId: number): Promise<Group> {
  const group = await groupById(db, groupId);
  if (!group || !(await canManageGroup(db, userId, group)))
    throw new ForbiddenError(`manage group ${groupId}`);
  return group;
}

/** Who is alerted and gets the digest: the holders of a manager role for this very group. */
export async function groupManagerIds(db: DbOrTx, groupId: number): Promise<number[]> {
  const rows = await db
    .select({ userId: roleGrants.userId })
    .from(roleGrants)
    .where(
      and(
        inArray(roleGrants.role, MANAGER_ROLES),
        eq(roleGrants.scopeType, "group"),
        eq(roleGrants.scopeId, String(groupId)),
      ),
    );
  return [...new Set(rows.map((r) => r.userId))];
}

/** Changes a group's report windows ("07:00-10:00, 19:00-21:00"); null when the text is unreadable. */
export async function setGroupWindows(
  db: DbOrTx,
  userId: number,
  groupId: number,
  typed: string,
): Promise<Group | null> {
  await requireGroupManager(db, userId, groupId);
  const windows = parseWindows(typed);
  if (!windows) return null;
  const [row] = await db
    .update(monitoringGroups)
    .set({ windows })
    .where(and(eq(monitoringGroups.id, groupId), isNull(monitoringGroups.closedAt)))
    .returning();
  return row ?? null;
}

/** Open groups whose end day has come (local day "YYYY-MM-DD"). */
export async function openGroupsEndingBy(db: DbOrTx, date: string): Promise<Group[]> {
  return db
    .select()
    .from(monitoringGroups)
    .where(and(isNull(monitoringGroups.closedAt), lte(monitoringGroups.endsOn, date)));
}
