import { and, eq, inArray, isNotNull, isNull, lt, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import {
  invitations,
  LIVE_MEMBER_STATUSES,
  monitoringGroups,
  monitoringMembers,
  roleGrants,
} from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { localDay } from "../../shared/local-time.js";
import { formatDay } from "./format.js";
import type { Group } from "./groups.js";
import { groupManagerIds } from "./groups.js";
import { closeMember, type Membership } from "./members.js";
import { notify } from "./notify.js";
import { localClock } from "./reminder-policy.js";

/** Monitoring records are kept this long after they close, then deleted (Sara Alert: 14 days). */
export const MONITORING_RETENTION_DAYS = 14;

/**
 * Ends a membership and tells the person who reports for it (through the outbox, once). Released: their
 * period is over; removed: a manager took them off the group. False when it had already ended.
 */
export async function endMembership(
  db: DbOrTx,
  i18n: I18n,
  m: Membership,
  status: "released" | "removed",
  now: Date,
): Promise<boolean> {
  const closed = await closeMember(db, m.member.id, status, now);
  if (!closed) return false;
  if (closed.userId !== null) {
    await notify(db, i18n, [
      {
        userId: closed.userId,
        dedupeKey: `${status}:${closed.id}`,
        reply: (t) =>
          text(
            t(`monitoring:report.${status}.${closed.personId === null ? "self" : "other"}`, {
              who: closed.name,
              group: m.group.name,
              from: formatDay(closed.startsOn),
              to: formatDay(closed.endsOn),
            }),
          ),
      },
    ]);
  }
  return true;
}

export interface ReleaseSummary {
  released: number;
  closedGroups: number;
}

/**
 * The end of periods, as of local day `today`: members whose end day has come are released with a
 * message; groups whose end day has come close (releasing everyone left) and their managers are told.
 * Idempotent: a run missed is caught up by the next.
 */
export async function releaseDue(
  db: DbOrTx,
  i18n: I18n,
  now: Date,
  timeZone: string,
): Promise<ReleaseSummary> {
  const today = localClock(now, timeZone).date;
  const summary: ReleaseSummary = { released: 0, closedGroups: 0 };
  const due = await db
    .select({ member: monitoringMembers, group: monitoringGroups })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(
      and(
        inArray(monitoringMembers.status, [...LIVE_MEMBER_STATUSES]),
        sql`(${monitoringMembers.endsOn} <= ${today} or ${monitoringGroups.endsOn} <= ${today})`,
      ),
    );
  for (const m of due) if (await endMembership(db, i18n, m, "released", now)) summary.released += 1;
  const ending = await db
    .update(monitoringGroups)
    .set({ closedAt: now })
    .where(and(isNull(monitoringGroups.closedAt), lte(monitoringGroups.endsOn, today)))
    .returning();
  for (const group of ending) {
    summary.closedGroups += 1;
    await closeGroupLinks(db, group, now);
    await tellManagersClosed(
      db,
      i18n,
      group,
      due.filter((d) => d.group.id === group.id).length,
      now,
      timeZone,
    );
  }
  return summary;
}

/** Group links stop working when the group closes. */
async function closeGroupLinks(db: DbOrTx, group: Group, now: Date): Promise<void> {
  await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(
      and(
        eq(invitations.kind, "group_member"),
        isNull(invitations.revokedAt),
        sql`${invitations.payload}->>'groupId' = ${String(group.id)}`,
      ),
    );
}

async function tellManagersClosed(
  db: DbOrTx,
  i18n: I18n,
  group: Group,
  released: number,
  now: Date,
  timeZone: string,
) {
  const purge = new Date(now.getTime() + MONITORING_RETENTION_DAYS * 86_400_000);
  const managers = await groupManagerIds(db, group.id);
  await notify(
    db,
    i18n,
    managers.map((userId) => ({
      userId,
      dedupeKey: `closed:${group.id}:${userId}`,
      reply: (t) =>
        text(
          t("monitoring:closedNotice", {
            group: group.name,
            n: released,
            purge: localDay(purge, timeZone),
          }),
        ),
    })),
  );
}

/**
 * Deletes monitoring records closed more than `retentionDays` ago: closed groups with everything in them
 * (members, reports, reminders, broadcasts, their manager grants), and released or removed members of
 * groups still open. For the retention job.
 */
export async function purgeMonitoring(
  db: DbOrTx,
  now: Date,
  retentionDays: number = MONITORING_RETENTION_DAYS,
): Promise<{ groups: number; members: number }> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const groups = await db
    .delete(monitoringGroups)
    .where(and(isNotNull(monitoringGroups.closedAt), lt(monitoringGroups.closedAt, before)))
    .returning({ id: monitoringGroups.id });
  if (groups.length > 0) {
    await db.delete(roleGrants).where(
      and(
        eq(roleGrants.scopeType, "group"),
        inArray(
          roleGrants.scopeId,
          groups.map((g) => String(g.id)),
        ),
      ),
    );
  }
  const members = await db
    .delete(monitoringMembers)
    .where(and(isNotNull(monitoringMembers.closedAt), lt(monitoringMembers.closedAt, before)))
    .returning({ id: monitoringMembers.id });
  return { groups: groups.length, members: members.length };
}
