import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { auditLog, users } from "../../../db/schema/index.js";
import { audit } from "../../shared/audit.js";
import { normalizePhone } from "../../shared/phone.js";
import { ForbiddenError, isAdmin } from "../../shared/roles.js";

/**
 * Reading the audit log, for administrators. There is no way to change it here or anywhere in the bot: the
 * log is only ever appended to (shared/audit.ts). Reading it is itself audited.
 */

export type AuditRow = typeof auditLog.$inferSelect & { actorPhone: string | null };

export interface AuditFilter {
  /** Rows by this person. */
  actorUserId?: number;
  /** Rows about this person's data. */
  subjectUserId?: number;
  /** Only rows before this one (paging back). */
  beforeId?: number;
  since?: Date;
}

/** A person named by "#12" / "12" (user id) or a phone number; null when neither finds anyone. */
export async function resolveUser(db: DbOrTx, typed: string): Promise<number | null> {
  const s = typed.trim();
  const id = /^#?(\d{1,12})$/.exec(s);
  if (id && !/^0/.test(id[1]!)) {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, Number(id[1])));
    if (row) return row.id;
  }
  const phone = normalizePhone(s);
  if (!phone) return null;
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).limit(1);
  return row?.id ?? null;
}

function where(f: AuditFilter): SQL | undefined {
  const parts: (SQL | undefined)[] = [
    f.actorUserId !== undefined ? eq(auditLog.actorUserId, f.actorUserId) : undefined,
    f.subjectUserId !== undefined
      ? sql`${f.subjectUserId}::bigint = any(${auditLog.subjectUserIds})`
      : undefined,
    f.beforeId !== undefined ? lt(auditLog.id, f.beforeId) : undefined,
    f.since !== undefined ? gte(auditLog.at, f.since) : undefined,
  ];
  return and(...parts);
}

/** The newest rows matching the filter; the caller must be an administrator. Audited. */
export async function readAudit(
  db: DbOrTx,
  p: {
    actorUserId: number;
    filter: AuditFilter;
    limit: number;
    now: Date;
    action?: "audit.view" | "audit.export";
  },
): Promise<AuditRow[]> {
  if (!(await isAdmin(db, p.actorUserId))) throw new ForbiddenError("admin");
  const rows = await db
    .select({ row: auditLog, actorPhone: users.phone })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(where(p.filter))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(p.limit);
  await audit(db, {
    actorUserId: p.actorUserId,
    action: p.action ?? "audit.view",
    subjectUserIds: p.filter.subjectUserId !== undefined ? [p.filter.subjectUserId] : [],
    scope: { type: "global" },
    detail: { filter: { ...p.filter, since: p.filter.since?.toISOString() }, rows: rows.length },
    at: p.now,
  });
  return rows.map((r) => ({ ...r.row, actorPhone: r.actorPhone }));
}

/** The rows as a table for CSV: time (UTC, ISO), actor, action, subjects, scope, detail as JSON. */
export function auditTable(rows: AuditRow[], header: string[]): string[][] {
  return [
    header,
    ...rows.map((r) => [
      r.at.toISOString(),
      r.actorUserId === null ? "" : `#${r.actorUserId}`,
      r.actorPhone ?? "",
      r.action,
      (r.subjectUserIds ?? []).map((id) => `#${id}`).join(" "),
      r.scopeType ? `${r.scopeType}${r.scopeId ? `:${r.scopeId}` : ""}` : "",
      r.detail === null ? "" : JSON.stringify(r.detail),
    ]),
  ];
}
