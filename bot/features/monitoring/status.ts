import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { chatReachability, LIVE_MEMBER_STATUSES, monitoringMembers } from "../../../db/schema/index.js";
import { zaloChatsOutsideWindow } from "../../shared/zalo-interactions.js";
import { type DailyReport, lastReports, reportsOn } from "./daily-reports.js";
import type { Group } from "./groups.js";
import type { Member } from "./members.js";
import { recipientsOf } from "./notify.js";
import { isMonitoredOn, isNonReporting, localClock } from "./reminder-policy.js";

export interface MemberLine {
  member: Member;
  /** The newest report of the day, if any. */
  latest: DailyReport | null;
}

/** Who stands where today, by name: what /group shows and the digest sends. */
export interface GroupStatus {
  group: Group;
  /** Local day "YYYY-MM-DD". */
  date: string;
  /** Followed today. */
  followed: number;
  reported: MemberLine[];
  /** Reported a symptom, a fever or a low SpO2 today (also counted in `reported`). */
  symptomatic: MemberLine[];
  /** Not reported today, but reported within 24 hours. */
  notYet: MemberLine[];
  /** Silent for 24 hours or more: non-reporting. */
  silent: MemberLine[];
  /** Blocked the bot on Telegram, outside Zalo's messaging window, or with no chat to write to. */
  unreachable: MemberLine[];
  /** On the list, not linked yet (their phone has not registered, or they have not confirmed). */
  unlinked: Member[];
}

const byName = (a: MemberLine, b: MemberLine) => a.member.name.localeCompare(b.member.name, "vi");

export async function groupStatus(
  db: DbOrTx,
  group: Group,
  now: Date,
  timeZone: string,
): Promise<GroupStatus> {
  const date = localClock(now, timeZone).date;
  const rows = await db
    .select()
    .from(monitoringMembers)
    .where(
      and(
        eq(monitoringMembers.groupId, group.id),
        inArray(monitoringMembers.status, [...LIVE_MEMBER_STATUSES]),
      ),
    );
  const followed = rows.filter((m) => m.status === "active" && m.userId !== null && isMonitoredOn(m, date));
  const ids = followed.map((m) => m.id);
  const today = await reportsOn(db, ids, date);
  const last = await lastReports(db, ids);
  const unreachableUsers = await unreachableUserIds(
    db,
    followed.map((m) => m.userId!),
    now,
  );
  const status: GroupStatus = {
    group,
    date,
    followed: followed.length,
    reported: [],
    symptomatic: [],
    notYet: [],
    silent: [],
    unreachable: [],
    unlinked: rows.filter((m) => m.status !== "active").sort((a, b) => a.name.localeCompare(b.name, "vi")),
  };
  for (const member of followed) {
    const mine = today.filter((r) => r.memberId === member.id).sort((a, b) => +b.reportedAt - +a.reportedAt);
    const line: MemberLine = { member, latest: mine[0] ?? null };
    if (mine.length > 0) status.reported.push(line);
    else if (isNonReporting(last.get(member.id) ?? null, member.linkedAt ?? member.createdAt, now))
      status.silent.push(line);
    else status.notYet.push(line);
    const alert = mine.find((r) => r.alert);
    if (alert) status.symptomatic.push({ member, latest: alert });
    if (unreachableUsers.has(member.userId!)) status.unreachable.push(line);
  }
  for (const list of [status.reported, status.symptomatic, status.notYet, status.silent, status.unreachable])
    list.sort(byName);
  return status;
}

/** People no message can reach now: blocked on Telegram, out of Zalo's window, or with no chat at all. */
export async function unreachableUserIds(db: DbOrTx, userIds: number[], now: Date): Promise<Set<number>> {
  const chats = await recipientsOf(db, userIds);
  const out = new Set(userIds.filter((id) => !chats.has(id)));
  const all = [...chats.values()];
  for (let i = 0; i < all.length; i += 1000) {
    const part = all.slice(i, i + 1000);
    const blocked = await db
      .select({ channel: chatReachability.channel, chatId: chatReachability.chatId })
      .from(chatReachability)
      .where(
        inArray(
          chatReachability.chatId,
          part.map((c) => c.chatId),
        ),
      );
    const set = new Set(blocked.map((b) => `${b.channel}:${b.chatId}`));
    for (const c of part) if (set.has(`${c.channel}:${c.chatId}`)) out.add(c.userId);
  }
  const zalo = [...chats.values()].filter((c) => c.channel === "zalo");
  if (zalo.length > 0) {
    const closed = new Set(
      await zaloChatsOutsideWindow(
        db,
        zalo.map((c) => c.chatId),
        now,
      ),
    );
    for (const c of zalo) if (closed.has(c.chatId)) out.add(c.userId);
  }
  return out;
}
