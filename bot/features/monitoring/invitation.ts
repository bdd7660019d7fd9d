import type { TFunction } from "i18next";
import type { DbOrTx } from "../../../db/client.js";
import { text } from "../../core/replies.js";
import type { Option } from "../../core/types.js";
import { type CreatedInvitation, createInvitation } from "../../shared/invitations.js";
import { startOfLocalDay } from "../../shared/local-time.js";
import { listPeople } from "../../shared/people.js";
import type { InvitationKind } from "../invitation/index.js";
import { formatDay, formatWindows, lastDayOf } from "./format.js";
import { type Group, groupById } from "./groups.js";
import { joinGroup, selfName } from "./members.js";
import { reportOptions } from "./options.js";
import type { ReportWindow } from "./reminder-policy.js";

export const GROUP_INVITATION = "group_member";

export interface GroupInvitation {
  groupId: number;
  /** The group's name when the link was made. */
  label: string;
}

function asGroupInvitation(p: unknown): GroupInvitation | null {
  const x = p as Partial<GroupInvitation> | null;
  return x && Number.isSafeInteger(x.groupId) ? { groupId: x.groupId!, label: String(x.label ?? "") } : null;
}

/** What to tell someone who joined, with the buttons to report now and to add their dependents. */
export function joinedReplyParts(group: Group, t: TFunction) {
  return {
    group: group.name,
    windows: formatWindows(group.windows as ReportWindow[], t),
    last: formatDay(lastDayOf(group.endsOn)),
  };
}

/**
 * A multi-use link to join a group's daily report (the poster in a village, the link in a facility's chat
 * group): everyone who opens it and accepts is followed from that day to the group's end.
 */
export function groupInvitationKind(opts: { timeZone: string }): InvitationKind {
  return {
    kind: GROUP_INVITATION,
    describe: (payload, t) => {
      const inv = asGroupInvitation(payload);
      return inv ? t("monitoring:invite.describe", { group: inv.label }) : "";
    },
    accept: async (env, payload) => {
      const inv = asGroupInvitation(payload);
      const group = inv ? await groupById(env.tx, inv.groupId) : null;
      if (!group || group.closedAt) return [text(env.t("monitoring:invite.closed"))];
      const { member, already } = await joinGroup(env.tx, {
        group,
        userId: env.user.id,
        personId: null,
        name: await selfName(env.tx, env.user.id),
        now: env.now,
        timeZone: opts.timeZone,
      });
      const dependents = (await listPeople(env.tx, env.user.id)).filter((p) => p.kind === "dependent");
      const options: Option[][] = [
        [{ id: reportOptions.build("go", member.id), label: env.t("monitoring:invite.reportNow") }],
      ];
      for (const d of dependents.slice(0, 8))
        options.push([
          {
            id: reportOptions.build("dep", group.id, d.id),
            label: env.t("monitoring:invite.addDependent", { name: d.fullName }).slice(0, 60),
          },
        ]);
      const key = already ? "monitoring:invite.already" : "monitoring:invite.joined";
      return [text(env.t(key, joinedReplyParts(group, env.t)), { options })];
    },
  };
}

/** A new multi-use link to the group, valid until the group's end day is over. */
export async function createGroupInvitation(
  db: DbOrTx,
  group: Group,
  opts: { createdBy: number; now: Date; timeZone: string },
): Promise<CreatedInvitation> {
  const [y, mo, d] = group.endsOn.split("-").map(Number);
  const ends = startOfLocalDay({ y: y!, mo: mo!, d: d! + 1 }, opts.timeZone);
  return createInvitation(db, {
    kind: GROUP_INVITATION,
    payload: { groupId: group.id, label: group.name } satisfies GroupInvitation,
    createdBy: opts.createdBy,
    now: opts.now,
    ttlMs: Math.max(ends.getTime() - opts.now.getTime(), 3_600_000),
    maxUses: null,
  });
}
