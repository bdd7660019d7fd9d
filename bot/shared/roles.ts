import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client.js";
import { roleGrants } from "../../db/schema/index.js";
import { queueRoleMenu } from "./role-menu.js";

export const ROLES = [
  "admin",
  "checkpoint_manager",
  "checkpoint_staff",
  "facility_manager",
  "commune_officer",
  "district_officer",
] as const;
export type Role = (typeof ROLES)[number];

export type Scope =
  | { type: "global" }
  | { type: "checkpoint"; id: string }
  | { type: "group"; id: string }
  | { type: "commune"; id: string }
  | { type: "province"; id: string };

export interface Grant {
  role: Role;
  scope: Scope;
}

export class ForbiddenError extends Error {
  constructor(readonly need: string) {
    super(`not allowed: ${need}`);
    this.name = "ForbiddenError";
  }
}

const scopeId = (s: Scope) => (s.type === "global" ? "" : s.id);

function toScope(type: string, id: string): Scope {
  if (type === "checkpoint" || type === "group" || type === "commune" || type === "province")
    return { type, id };
  return { type: "global" };
}

export async function grantRole(
  db: DbOrTx,
  g: { userId: number; role: Role; scope: Scope; grantedBy?: number | null },
): Promise<void> {
  const added = await db
    .insert(roleGrants)
    .values({
      userId: g.userId,
      role: g.role,
      scopeType: g.scope.type,
      scopeId: scopeId(g.scope),
      grantedBy: g.grantedBy,
    })
    .onConflictDoNothing()
    .returning({ id: roleGrants.id });
  if (added.length > 0) await queueRoleMenu(db, g.userId);
}

export async function revokeRole(
  db: DbOrTx,
  g: { userId: number; role: Role; scope: Scope },
): Promise<number> {
  const rows = await db
    .delete(roleGrants)
    .where(
      and(
        eq(roleGrants.userId, g.userId),
        eq(roleGrants.role, g.role),
        eq(roleGrants.scopeType, g.scope.type),
        eq(roleGrants.scopeId, scopeId(g.scope)),
      ),
    )
    .returning({ id: roleGrants.id });
  if (rows.length > 0) await queueRoleMenu(db, g.userId);
  return rows.length;
}

export async function grantsOf(db: DbOrTx, userId: number): Promise<Grant[]> {
  const rows = await db.select().from(roleGrants).where(eq(roleGrants.userId, userId));
  return rows.map((r) => ({ role: r.role as Role, scope: toScope(r.scopeType, r.scopeId) }));
}

/** Administrators may do everything; otherwise the role must be held for exactly this scope. */
export async function hasRole(
  db: DbOrTx,
  userId: number,
  roles: Role | Role[],
  scope?: Scope,
): Promise<boolean> {
  const wanted = Array.isArray(roles) ? roles : [roles];
  const conditions = [eq(roleGrants.userId, userId), inArray(roleGrants.role, [...wanted, "admin"])];
  const rows = await db
    .select({ role: roleGrants.role, scopeType: roleGrants.scopeType, scopeId: roleGrants.scopeId })
    .from(roleGrants)
    .where(and(...conditions));
  return rows.some(
    (r) => r.role === "admin" || !scope || (r.scopeType === scope.type && r.scopeId === scopeId(scope)),
  );
}

/** Throws ForbiddenError unless hasRole; every privileged service call starts with this. */
export async function requireRole(
  db: DbOrTx,
  userId: number,
  roles: Role | Role[],
  scope?: Scope,
): Promise<void> {
  if (!(await hasRole(db, userId, roles, scope))) {
    const need = `${[roles].flat().join("|")}${scope ? ` of ${scope.type} ${scopeId(scope)}` : ""}`;
    throw new ForbiddenError(need);
  }
}

/** The ids of the scopes of one type in which the person holds one of the roles (e.g. their checkpoints). */
export async function scopesOf(
  db: DbOrTx,
  userId: number,
  roles: Role[],
  type: Scope["type"],
): Promise<string[]> {
  const rows = await db
    .select({ scopeId: roleGrants.scopeId })
    .from(roleGrants)
    .where(
      and(eq(roleGrants.userId, userId), inArray(roleGrants.role, roles), eq(roleGrants.scopeType, type)),
    );
  return [...new Set(rows.map((r) => r.scopeId))];
}

export async function isAdmin(db: DbOrTx, userId: number): Promise<boolean> {
  const rows = await db
    .select({ id: roleGrants.id })
    .from(roleGrants)
    .where(and(eq(roleGrants.userId, userId), eq(roleGrants.role, "admin")))
    .limit(1);
  return rows.length > 0;
}

/** Makes the configured Telegram users administrators (creating their accounts if they never wrote yet). */
export async function ensureTelegramAdmins(
  db: DbOrTx,
  telegramIds: string[],
  findOrCreate: (ref: { channel: "telegram"; externalId: string; chatId: string }) => Promise<{ id: number }>,
): Promise<void> {
  for (const id of telegramIds) {
    // In a private chat the chat id is the user id.
    const user = await findOrCreate({ channel: "telegram", externalId: id, chatId: id });
    await grantRole(db, { userId: user.id, role: "admin", scope: { type: "global" } });
  }
}
