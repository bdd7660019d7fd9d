import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { dailyReports, monitoringGroups, monitoringMembers } from "../../../db/schema/index.js";
import { isoDay, localDate, startOfLocalDay } from "../../shared/local-time.js";

export interface MemberOwner {
  userId: number;
  personIds: number[];
  phone: string | null;
}

function ownedBy(o: MemberOwner): SQL {
  const parts: SQL[] = [eq(monitoringMembers.userId, o.userId)];
  if (o.personIds.length) parts.push(inArray(monitoringMembers.personId, o.personIds));
  if (o.phone) parts.push(eq(monitoringMembers.phone, o.phone));
  return or(...parts) as SQL;
}

export interface HeldMembership {
  memberId: number;
  groupName: string;
  groupKind: string;
  place: string;
  startsOn: string;
  endsOn: string;
  status: string;
  personId: number | null;
  reports: {
    localDate: string;
    window: number;
    healthy: boolean;
    temperatureTenths: number | null;
    symptoms: string[];
    spo2: number | null;
    alert: boolean;
  }[];
}

export async function membershipsHeldFor(db: DbOrTx, o: MemberOwner): Promise<HeldMembership[]> {
  const rows = await db
    .select({ m: monitoringMembers, g: monitoringGroups })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(ownedBy(o))
    .orderBy(monitoringMembers.id);
  const ids = rows.map((r) => r.m.id);
  const reports = ids.length
    ? await db
        .select()
        .from(dailyReports)
        .where(inArray(dailyReports.memberId, ids))
        .orderBy(dailyReports.reportedAt)
    : [];
  return rows.map(({ m, g }) => ({
    memberId: m.id,
    groupName: g.name,
    groupKind: g.kind,
    place: g.place,
    startsOn: m.startsOn,
    endsOn: m.endsOn,
    status: m.status,
    personId: m.personId,
    reports: reports
      .filter((r) => r.memberId === m.id)
      .map((r) => ({
        localDate: r.localDate,
        window: r.window,
        healthy: r.healthy,
        temperatureTenths: r.temperatureTenths,
        symptoms: r.symptoms,
        spo2: r.spo2,
        alert: r.alert,
      })),
  }));
}

export interface MonitoringErased {
  memberships: number;
  reports: number;
  /** Periods still running: the membership ends now, its records stay until the period ends, then retention. */
  kept: { groupName: string; endsOn: string; reports: number }[];
}

const dayStart = (iso: string, timeZone: string) => {
  const [y, mo, d] = iso.split("-").map(Number);
  return startOfLocalDay({ y: y ?? 1970, mo: mo ?? 1, d: d ?? 1 }, timeZone);
};

/**
 * Ends every membership of this owner (no more reminders) and deletes those of past periods with their
 * reports. A membership whose quarantine or lockdown period is still running is kept, marked removed and
 * closed as of its period's end, so the monitoring retention purges it after that period.
 */
export async function eraseMonitoring(
  db: DbOrTx,
  o: MemberOwner,
  now: Date,
  timeZone: string,
): Promise<MonitoringErased> {
  const held = await membershipsHeldFor(db, o);
  const today = isoDay(localDate(now, timeZone));
  const running = held.filter((m) => m.status === "active" && m.startsOn <= today && today < m.endsOn);
  const past = held.filter((m) => !running.includes(m));
  for (const m of running) {
    await db
      .update(monitoringMembers)
      // Unlinked from the person record, which is erased: the kept row names the member as the manager knew them.
      .set({ status: "removed", closedAt: dayStart(m.endsOn, timeZone), phone: null, personId: null })
      .where(and(eq(monitoringMembers.id, m.memberId)));
  }
  if (past.length)
    await db.delete(monitoringMembers).where(
      inArray(
        monitoringMembers.id,
        past.map((m) => m.memberId),
      ),
    );
  return {
    memberships: past.length,
    reports: past.reduce((n, m) => n + m.reports.length, 0),
    kept: running.map((m) => ({ groupName: m.groupName, endsOn: m.endsOn, reports: m.reports.length })),
  };
}
