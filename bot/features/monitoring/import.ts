import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { LIVE_MEMBER_STATUSES, monitoringMembers } from "../../../db/schema/index.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import { formatDay } from "./format.js";
import { type Group, requireGroupManager } from "./groups.js";
import type { ListRow } from "./list-file.js";
import { usersByPhone } from "./members.js";
import { notify } from "./notify.js";
import { reportOptions } from "./options.js";

export interface ImportSummary {
  group: Group;
  added: number;
  updated: number;
  /** Registered already: asked to confirm by a message. */
  invited: number;
}

export class GroupClosedError extends Error {
  constructor(readonly groupId: number) {
    super(`group ${groupId} is closed`);
    this.name = "GroupClosedError";
  }
}

/**
 * Enrolls the people of a list file: each phone is a listed entry, linked when that phone registers.
 * People already registered are asked to confirm by a message (through the outbox). Listing a phone again
 * updates its name, room and period. Run in the manager's transaction: all or nothing.
 */
export async function importList(
  db: DbOrTx,
  i18n: I18n,
  opts: { actorId: number; groupId: number; rows: ListRow[]; now: Date },
): Promise<ImportSummary> {
  const group = await requireGroupManager(db, opts.actorId, opts.groupId);
  if (group.closedAt) throw new GroupClosedError(group.id);
  const phones = opts.rows.map((r) => r.phone);
  const live = await db
    .select()
    .from(monitoringMembers)
    .where(
      and(
        eq(monitoringMembers.groupId, group.id),
        inArray(monitoringMembers.status, [...LIVE_MEMBER_STATUSES]),
      ),
    );
  const byPhone = new Map(live.filter((m) => m.phone).map((m) => [m.phone!, m]));
  const accounts = await usersByPhone(db, phones);
  const selfByUser = new Map(
    live.filter((m) => m.status === "active" && m.personId === null && m.userId).map((m) => [m.userId!, m]),
  );
  const summary: ImportSummary = { group, added: 0, updated: 0, invited: 0 };
  const toInvite: { memberId: number; userId: number }[] = [];
  for (const row of opts.rows) {
    const period = {
      startsOn: row.startsOn ?? group.startsOn,
      // Nobody is followed past the group's end: it closes then.
      endsOn: row.endsOn && row.endsOn < group.endsOn ? row.endsOn : group.endsOn,
    };
    const details = { name: row.name, room: row.room, ...period };
    const ids = accounts.get(row.phone) ?? [];
    // Listed again, or already in by the group's link: update what the list says.
    const existing = byPhone.get(row.phone) ?? ids.map((id) => selfByUser.get(id)).find(Boolean);
    if (existing) {
      await db
        .update(monitoringMembers)
        .set({ ...details, phone: row.phone })
        .where(eq(monitoringMembers.id, existing.id));
      summary.updated += 1;
      continue;
    }
    const [member] = await db
      .insert(monitoringMembers)
      .values({
        groupId: group.id,
        phone: row.phone,
        ...details,
        status: ids.length > 0 ? "invited" : "pending",
        source: "list",
        createdAt: opts.now,
      })
      .returning({ id: monitoringMembers.id });
    summary.added += 1;
    if (member && ids.length > 0) {
      summary.invited += 1;
      for (const userId of ids) toInvite.push({ memberId: member.id, userId });
    }
  }
  await notify(
    db,
    i18n,
    toInvite.map(({ memberId, userId }) => ({
      userId,
      dedupeKey: `invite:${memberId}:${userId}`,
      reply: (t) =>
        text(
          t("monitoring:invite.listed", {
            group: group.name,
            from: formatDay(group.startsOn),
            to: formatDay(group.endsOn),
          }),
          { options: [[{ id: reportOptions.build("join"), label: t("monitoring:invite.confirm") }]] },
        ),
    })),
  );
  return summary;
}
