import type { DbOrTx } from "../../db/client.js";
import { auditLog } from "../../db/schema/index.js";
import type { Scope } from "./roles.js";

export interface AuditEntry {
  actorUserId: number | null;
  /** What was done, as "<area>.<verb>": "checkpoint.visitors", "checkpoint.export", "checkpoint.staffScan"… */
  action: string;
  /** The people whose data was seen, when known. */
  subjectUserIds?: number[];
  scope?: Scope;
  /** Anything else worth keeping (a date range, a row count); no personal data beyond ids. */
  detail?: Record<string, unknown>;
  at: Date;
}

/**
 * Appends one row to the audit log, in the caller's transaction so it is kept exactly when the action is.
 * There is deliberately no update or delete.
 */
export async function audit(db: DbOrTx, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    at: e.at,
    actorUserId: e.actorUserId,
    action: e.action,
    subjectUserIds: e.subjectUserIds && e.subjectUserIds.length > 0 ? [...new Set(e.subjectUserIds)] : null,
    scopeType: e.scope?.type ?? null,
    scopeId: e.scope && e.scope.type !== "global" ? e.scope.id : null,
    detail: e.detail ?? null,
  });
}
