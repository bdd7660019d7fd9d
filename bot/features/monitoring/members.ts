import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import {
  LIVE_MEMBER_STATUSES,
  monitoringGroups,
  monitoringMembers,
  people,
  users,
} from "../../../db/schema/index.js";
import type { Group } from "./groups.js";
import { isMonitoredOn, localClock } from "./reminder-policy.js";

export type Member = typeof monitoringMembers.$inferSelect;

/** A membership as the person who reports sees it. */
export interface Membership {
  member: Member;
  group: Group;
}

/** Someone who already is followed by the group (the same account holder, or the same dependent). */
export async function activeMembership(
  db: DbOrTx,
  groupId: number,
  userId: number,
  personId: number | null,
): Promise<Member | null> {
  const [row] = await db
    .select()
    .from(monitoringMembers)
    .where(
      and(
        eq(monitoringMembers.groupId, groupId),
        eq(monitoringMembers.status, "active"),
        personId === null
          ? and(eq(monitoringMembers.userId, userId), isNull(monitoringMembers.personId))
          : eq(monitoringMembers.personId, personId),
      ),
    );
  return row ?? null;
}

/**
 * Joins a group by its link or poster (or a dependent, added by the account that declared them): followed
 * from today (or the group's start) to the group's end.
 */
export async function joinGroup(
  db: DbOrTx,
  opts: { group: Group; userId: number; personId: number | null; name: string; now: Date; timeZone: string },
): Promise<{ member: Member; already: boolean }> {
  const existing = await activeMembership(db, opts.group.id, opts.userId, opts.personId);
  if (existing) return { member: existing, already: true };
  const today = localClock(opts.now, opts.timeZone).date;
  const [member] = await db
    .insert(monitoringMembers)
    .values({
      groupId: opts.group.id,
      userId: opts.userId,
      personId: opts.personId,
      name: opts.name,
      // The later of the two days (ISO days sort as text).
      startsOn: [today, opts.group.startsOn].sort()[1]!,
      endsOn: opts.group.endsOn,
      status: "active",
      source: "link",
      linkedAt: opts.now,
      createdAt: opts.now,
    })
    .returning();
  if (!member) throw new Error("member insert returned nothing");
  return { member, already: false };
}

/** The account holder's name from their declaration, if they made one. */
export async function selfName(db: DbOrTx, userId: number): Promise<string> {
  const [row] = await db
    .select({ name: people.fullName })
    .from(people)
    .where(and(eq(people.userId, userId), eq(people.kind, "self")));
  return row?.name ?? "";
}

/**
 * Links the listed entries of this phone (pending or invited) to the account now holding it: they become
 * active members reported for by that account. Returns the linked memberships.
 */
export async function linkByPhone(
  db: DbOrTx,
  userId: number,
  phone: string,
  now: Date,
): Promise<Membership[]> {
  const waiting = await db
    .select({ member: monitoringMembers, group: monitoringGroups })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(
      and(
        eq(monitoringMembers.phone, phone),
        inArray(monitoringMembers.status, ["pending", "invited"]),
        isNull(monitoringGroups.closedAt),
      ),
    );
  const linked: Membership[] = [];
  for (const w of waiting) {
    // The same person may have joined by the link meanwhile: keep that membership, drop the listed one.
    const existing = await activeMembership(db, w.group.id, userId, null);
    if (existing) {
      await db
        .update(monitoringMembers)
        .set({ status: "removed", closedAt: now })
        .where(eq(monitoringMembers.id, w.member.id));
      continue;
    }
    const [member] = await db
      .update(monitoringMembers)
      .set({ userId, status: "active", linkedAt: now })
      .where(eq(monitoringMembers.id, w.member.id))
      .returning();
    if (member) linked.push({ member, group: w.group });
  }
  return linked;
}

/** How many listed entries wait for this phone (shown as "you are on a list" before linking). */
export async function waitingForPhone(db: DbOrTx, phone: string | null): Promise<number> {
  if (!phone) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(
      and(
        eq(monitoringMembers.phone, phone),
        inArray(monitoringMembers.status, ["pending", "invited"]),
        isNull(monitoringGroups.closedAt),
      ),
    );
  return Number(row?.n ?? 0);
}

/** The memberships an account reports for today: its own and its dependents', in open groups. */
export async function reportingMemberships(
  db: DbOrTx,
  userId: number,
  now: Date,
  timeZone: string,
): Promise<Membership[]> {
  const today = localClock(now, timeZone).date;
  const rows = await db
    .select({ member: monitoringMembers, group: monitoringGroups })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(
      and(
        eq(monitoringMembers.userId, userId),
        eq(monitoringMembers.status, "active"),
        isNull(monitoringGroups.closedAt),
      ),
    )
    .orderBy(sql`${monitoringMembers.personId} is not null`, asc(monitoringMembers.id));
  return rows.filter((r) => isMonitoredOn(r.member, today));
}

export async function memberById(db: DbOrTx, id: number): Promise<Membership | null> {
  const [row] = await db
    .select({ member: monitoringMembers, group: monitoringGroups })
    .from(monitoringMembers)
    .innerJoin(monitoringGroups, eq(monitoringGroups.id, monitoringMembers.groupId))
    .where(eq(monitoringMembers.id, id));
  return row ?? null;
}

export async function setMemberDetails(
  db: DbOrTx,
  memberId: number,
  userId: number,
  details: { name?: string; room?: string | null },
): Promise<void> {
  await db
    .update(monitoringMembers)
    .set(details)
    .where(and(eq(monitoringMembers.id, memberId), eq(monitoringMembers.userId, userId)));
}

/** Ends a membership (release at the end of the period, or removal by a manager). */
export async function closeMember(
  db: DbOrTx,
  memberId: number,
  status: "released" | "removed",
  now: Date,
): Promise<Member | null> {
  const [row] = await db
    .update(monitoringMembers)
    .set({ status, closedAt: now })
    .where(
      and(eq(monitoringMembers.id, memberId), inArray(monitoringMembers.status, [...LIVE_MEMBER_STATUSES])),
    )
    .returning();
  return row ?? null;
}

/** Stops reminders until `until` (null resumes them). */
export async function pauseMember(db: DbOrTx, memberId: number, until: Date | null): Promise<void> {
  await db.update(monitoringMembers).set({ pausedUntil: until }).where(eq(monitoringMembers.id, memberId));
}

/** The registered accounts of these phones (several may share one). */
export async function usersByPhone(db: DbOrTx, phones: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (phones.length === 0) return out;
  const rows = await db
    .select({ id: users.id, phone: users.phone })
    .from(users)
    .where(inArray(users.phone, [...new Set(phones)]));
  for (const r of rows) if (r.phone) out.set(r.phone, [...(out.get(r.phone) ?? []), r.id]);
  return out;
}
