import { and, asc, eq, inArray } from "drizzle-orm";
import { LIVE_MEMBER_STATUSES, monitoringBroadcasts, monitoringMembers } from "../../../db/schema/index.js";
import type { EffectEnv, EffectOutcome } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { EffectMap, Reply } from "../../core/types.js";
import { renderPosterPdf, renderPosterPng } from "../../render/poster.js";
import { audit } from "../../shared/audit.js";
import { createInvitation } from "../../shared/invitations.js";
import type { Links } from "../../shared/links.js";
import { lastReports } from "./daily-reports.js";
import { formatDay, formatWindows } from "./format.js";
import { createGroup, managerRoleFor, requireGroupManager, setGroupWindows } from "./groups.js";
import { createGroupInvitation } from "./invitation.js";
import { asListed, type Membership, memberById, pauseMember } from "./members.js";
import { notify } from "./notify.js";
import { endMembership } from "./release.js";
import type { ReportWindow } from "./reminder-policy.js";
import { groupPoster, memberReply, membersReply, statusReply } from "./replies.js";
import { groupStatus } from "./status.js";

export interface ManageDeps {
  i18n: I18n;
  links: Links;
  managerInviteDays: number;
}

type Handler<K extends keyof EffectMap> = (
  e: { type: K } & EffectMap[K],
  env: EffectEnv,
) => Promise<EffectOutcome>;

/**
 * A manager's look at members' names and reports is a read of others' personal data: audited, with the
 * members whose data was shown, in the same transaction as the answer.
 */
async function auditRead(env: EffectEnv, groupId: number, action: string, subjectUserIds?: number[]) {
  const subjects =
    subjectUserIds ??
    (
      await env.tx
        .select({ userId: monitoringMembers.userId })
        .from(monitoringMembers)
        .where(
          and(
            eq(monitoringMembers.groupId, groupId),
            inArray(monitoringMembers.status, ["pending", "invited", "active"]),
          ),
        )
    ).flatMap((m) => (m.userId === null ? [] : [m.userId]));
  await audit(env.tx, {
    actorUserId: env.user.id,
    action,
    subjectUserIds: subjects,
    scope: { type: "group", id: String(groupId) },
    at: env.now,
  });
}

async function statusOf(env: EffectEnv, groupId: number, edit: boolean): Promise<Reply[]> {
  const group = await requireGroupManager(env.tx, env.user.id, groupId);
  await auditRead(env, group.id, "monitoring.status");
  const status = await groupStatus(env.tx, group, env.now, env.ctx.timeZone);
  return [statusReply(status, env.ctx, edit)];
}

/** A membership this manager may act on, or a reply saying it is gone. */
async function managedMember(env: EffectEnv, memberId: number) {
  const m = await memberById(env.tx, memberId);
  if (!m) return null;
  await requireGroupManager(env.tx, env.user.id, m.group.id);
  return m;
}

/** The membership with the member's declared name and phone, as the manager's screens show it. */
async function listedMembership(env: EffectEnv, m: Membership): Promise<Membership> {
  const [member = m.member] = await asListed(env.tx, [m.member]);
  return { ...m, member };
}

/** The manager's side: every handler checks the person's role for the group through the service. */
export function manageEffects(deps: ManageDeps): {
  [K in
    | "monitoring.createGroup"
    | "monitoring.status"
    | "monitoring.members"
    | "monitoring.member"
    | "monitoring.closeMember"
    | "monitoring.pause"
    | "monitoring.invite"
    | "monitoring.inviteManager"
    | "monitoring.broadcast"
    | "monitoring.windows"]: Handler<K>;
} {
  return {
    "monitoring.createGroup": async (e, env) => {
      const { type: _, ...input } = e;
      const group = await createGroup(env.tx, env.user.id, input, env.now);
      return [
        text(env.ctx.t("monitoring:create.created", { name: group.name })),
        ...(await statusOf(env, group.id, false)),
      ];
    },
    "monitoring.status": (e, env) => statusOf(env, e.groupId, e.edit ?? false),
    "monitoring.members": async (e, env) => {
      const group = await requireGroupManager(env.tx, env.user.id, e.groupId);
      const members = await env.tx
        .select()
        .from(monitoringMembers)
        .where(
          and(
            eq(monitoringMembers.groupId, group.id),
            inArray(monitoringMembers.status, [...LIVE_MEMBER_STATUSES]),
          ),
        )
        .orderBy(asc(monitoringMembers.id));
      const listed = (await asListed(env.tx, members)).sort((a, b) => a.name.localeCompare(b.name, "vi"));
      await auditRead(
        env,
        group.id,
        "monitoring.members",
        members.flatMap((m) => (m.userId === null ? [] : [m.userId])),
      );
      return [membersReply(group, listed, e.page, env.ctx)];
    },
    "monitoring.member": async (e, env) => {
      const m = await managedMember(env, e.memberId);
      if (!m) return [text(env.ctx.t("monitoring:member.gone"))];
      await auditRead(
        env,
        m.group.id,
        "monitoring.member",
        m.member.userId === null ? [] : [m.member.userId],
      );
      const last = (await lastReports(env.tx, [m.member.id])).get(m.member.id) ?? null;
      return [{ ...memberReply(await listedMembership(env, m), last, env.ctx), edit: e.edit ?? false }];
    },
    "monitoring.closeMember": async (e, env) => {
      const m = await managedMember(env, e.memberId);
      if (!m || !(await endMembership(env.tx, deps.i18n, m, e.status, env.now)))
        return [text(env.ctx.t("monitoring:member.gone"), { edit: true })];
      const { member } = await listedMembership(env, m);
      return [text(env.ctx.t(`monitoring:member.${e.status}`, { who: member.name }), { edit: true })];
    },
    "monitoring.pause": async (e, env) => {
      const m = await managedMember(env, e.memberId);
      if (!m) return [text(env.ctx.t("monitoring:member.gone"))];
      const until = e.hours === null ? null : new Date(env.now.getTime() + e.hours * 3_600_000);
      await pauseMember(env.tx, m.member.id, until);
      const fresh = (await memberById(env.tx, m.member.id)) ?? m;
      const last = (await lastReports(env.tx, [m.member.id])).get(m.member.id) ?? null;
      return [memberReply(await listedMembership(env, fresh), last, env.ctx)];
    },
    "monitoring.invite": async (e, env) => {
      const group = await requireGroupManager(env.tx, env.user.id, e.groupId);
      if (group.closedAt) return [text(env.ctx.t("monitoring:invite.closed"))];
      const inv = await createGroupInvitation(env.tx, group, {
        createdBy: env.user.id,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const link = deps.links.ways(env.ctx.t, inv);
      const qr = deps.links.deepLink(inv.payload) ?? inv.payload;
      const poster = groupPoster(group, qr, env.ctx.t, deps.links, inv.code);
      const [png, pdf] = await Promise.all([renderPosterPng(poster), renderPosterPdf(poster)]);
      const { t } = env.ctx;
      return [
        text(t("monitoring:invite.link", { group: group.name, link, until: formatDay(group.endsOn) })),
        { kind: "photo", png, fileName: `group-${group.id}.png`, caption: group.name, qr },
        { kind: "document", bytes: pdf, fileName: `group-${group.id}.pdf`, mimeType: "application/pdf" },
      ];
    },
    "monitoring.inviteManager": async (e, env) => {
      const group = await requireGroupManager(env.tx, env.user.id, e.groupId);
      const inv = await createInvitation(env.tx, {
        kind: "role",
        payload: {
          role: managerRoleFor(group.kind),
          scope: { type: "group", id: String(group.id) },
          label: group.name,
        },
        createdBy: env.user.id,
        now: env.now,
        ttlMs: deps.managerInviteDays * 86_400_000,
        maxUses: 1,
      });
      const link = deps.links.ways(env.ctx.t, inv);
      return [
        text(
          env.ctx.t("monitoring:invite.managerLink", {
            group: group.name,
            link,
            days: deps.managerInviteDays,
          }),
        ),
      ];
    },
    "monitoring.broadcast": async (e, env) => {
      const group = await requireGroupManager(env.tx, env.user.id, e.groupId);
      const members = await env.tx
        .select({ userId: monitoringMembers.userId })
        .from(monitoringMembers)
        .where(and(eq(monitoringMembers.groupId, group.id), eq(monitoringMembers.status, "active")));
      // A guardian reporting for several people gets the message once.
      const userIds = [...new Set(members.flatMap((m) => (m.userId === null ? [] : [m.userId])))];
      const [row] = await env.tx
        .insert(monitoringBroadcasts)
        .values({
          groupId: group.id,
          sentBy: env.user.id,
          text: e.text,
          recipients: userIds.length,
          sentAt: env.now,
        })
        .returning({ id: monitoringBroadcasts.id });
      const queued = await notify(
        env.tx,
        deps.i18n,
        userIds.map((userId) => ({
          userId,
          dedupeKey: `broadcast:${row!.id}:${userId}`,
          reply: (t) => text(t("monitoring:report.broadcast", { group: group.name, text: e.text })),
        })),
      );
      return [text(env.ctx.t("monitoring:broadcast.sent", { n: queued }))];
    },
    "monitoring.windows": async (e, env) => {
      const group = await setGroupWindows(env.tx, env.user.id, e.groupId, e.text);
      if (!group) return { replies: [text(`⚠️ ${env.ctx.t("monitoring:create.badWindows")}`)] };
      const windows = formatWindows(group.windows as ReportWindow[], env.ctx.t);
      return [text(env.ctx.t("monitoring:windows.set", { group: group.name, windows }))];
    },
  };
}
