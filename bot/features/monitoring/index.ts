import type { TFunction } from "i18next";
import { answerErrors } from "../../core/answer-errors.js";
import type { EffectHandlers, Feature } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import type { PhoneListener } from "../../core/phone-listeners.js";
import { text } from "../../core/replies.js";
import type { Input, Reply, StepResult } from "../../core/types.js";
import { createLinks, type Links } from "../../shared/links.js";
import { getPerson } from "../../shared/people.js";
import { ForbiddenError } from "../../shared/roles.js";
import { createGroupFlow } from "./create-flow.js";
import { saveReport } from "./daily-reports.js";
import type { MonitoringEffectType } from "./effects.js";
import { reportValues } from "./format.js";
import { type Group, groupById } from "./groups.js";
import { monitoringHome } from "./home.js";
import { GroupClosedError } from "./import.js";
import { joinedReplyParts } from "./invitation.js";
import { importListEffect } from "./list-effect.js";
import { listFileKind } from "./list-file.js";
import { manageEffects } from "./manage-effects.js";
import { createManageFlows, groupMenu } from "./manage-flow.js";
import { activeMembership, joinGroup, linkByPhone, memberById, setMemberDetails } from "./members.js";
import { reportOptions } from "./options.js";
import { isMonitoredOn, localClock, type ReportWindow } from "./reminder-policy.js";
import { createDailyReportFlow } from "./report-flow.js";
import { occasionLabel, reportButtons } from "./report-screens.js";

/** What other features may use of monitoring: groups, enrollment, notices, the purge and the jobs. */
export { createGroup, type Group, managedGroups, requireGroupManager } from "./groups.js";
export { GroupClosedError, importList } from "./import.js";
export { scheduleMonitoringJobs } from "./jobs.js";
export type { ListRow } from "./list-file.js";
export { joinGroup } from "./members.js";
export { type Notice, notify, recipientsOf } from "./notify.js";
export {
  eraseMonitoring,
  type HeldMembership,
  type MonitoringErased,
  membershipsHeldFor,
} from "./personal-data.js";
export { MONITORING_RETENTION_DAYS, purgeMonitoring } from "./release.js";
export { DEFAULT_WINDOWS } from "./reminder-policy.js";

export interface MonitoringFeatureDeps {
  /** Alerts, notices and broadcasts go out in each recipient's language. */
  i18n: I18n;
  /** TZ_REPORTING: local days and report windows. */
  timeZone: string;
  /** Invitation links and codes for the deployment's channels. */
  links?: Links;
  /** The largest list file accepted (default 2 MB). */
  maxListBytes?: number;
  /** How long a manager invitation works (default 7 days). */
  managerInviteDays?: number;
}

export const MAX_LIST_BYTES = 2 * 1024 * 1024;

/**
 * Daily health reports for quarantine facilities, home-quarantine groups and lockdown areas: groups,
 * enrollment (link, poster, list file), the report, and the managers' view, alerts and broadcasts.
 * Reminders, digests and releases are jobs (jobs.ts).
 */
export function monitoringFeature(deps: MonitoringFeatureDeps): Feature {
  const maxBytes = deps.maxListBytes ?? MAX_LIST_BYTES;
  const effects: Pick<EffectHandlers, MonitoringEffectType> = {
    ...manageEffects({
      i18n: deps.i18n,
      links: deps.links ?? createLinks({ botUsername: () => undefined }),
      managerInviteDays: deps.managerInviteDays ?? 7,
    }),
    "monitoring.importList": (e, env) => importListEffect(e, env, { i18n: deps.i18n, maxBytes }),

    "monitoring.saveReport": async (e, env) => {
      const { t } = env.ctx;
      const m = await memberById(env.tx, e.memberId);
      const today = localClock(env.now, env.ctx.timeZone).date;
      if (!m || m.member.userId !== env.user.id) return [text(t("monitoring:report.notEnrolled"))];
      const who = m.member.personId === null ? t("monitoring:report.you") : m.member.name;
      if (m.member.status !== "active" || m.group.closedAt || !isMonitoredOn(m.member, today))
        return [text(t("monitoring:report.notMember", { who }))];
      const saved = await saveReport(env.tx, deps.i18n, {
        membership: m,
        reportedBy: env.user.id,
        input: e.input,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const lines = [
        t("monitoring:report.saved", {
          who,
          occasion: occasionLabel(m.group.windows as ReportWindow[], env.now, env.ctx),
          values: reportValues(e.input, t, env.ctx.lang),
        }),
      ];
      if (saved.replaced) lines.push(t("monitoring:report.replaced"));
      if (saved.report.alert) lines.push(t("monitoring:report.alertSent", { group: m.group.name }));
      return [text(lines.join("\n"))];
    },
    "monitoring.reportDetails": async (e, env) => {
      await setMemberDetails(env.tx, e.memberId, env.user.id, { name: e.name, room: e.room });
      return undefined;
    },
    "monitoring.linkMine": async (e, env) => {
      const linked = env.user.phone ? await linkByPhone(env.tx, env.user.id, env.user.phone, env.now) : [];
      const replies = linkedReplies(
        linked.map((l) => l.group),
        env.ctx.t,
        !e.report,
      );
      if (linked.length === 0) return [text(env.ctx.t("monitoring:report.notEnrolled"))];
      return e.report ? { replies, next: { flow: "report" } } : replies;
    },
    "monitoring.addDependent": async (e, env) => {
      const { t } = env.ctx;
      const group = await groupById(env.tx, e.groupId);
      const person = await getPerson(env.tx, env.user.id, e.personId);
      // Only someone in the group adds the people they declare for (a household in a village).
      const self = group && (await activeMembership(env.tx, group.id, env.user.id, null));
      if (!group || group.closedAt || !person || person.kind !== "dependent" || !self)
        return [text(t("monitoring:invite.closed"))];
      const { already } = await joinGroup(env.tx, {
        group,
        userId: env.user.id,
        personId: person.id,
        name: person.fullName,
        now: env.now,
        timeZone: env.ctx.timeZone,
      });
      const key = already ? "monitoring:invite.dependentAlready" : "monitoring:invite.dependentJoined";
      return [text(t(key, { name: person.fullName, group: group.name }))];
    },
  };

  return {
    name: "monitoring",
    home: monitoringHome({ timeZone: deps.timeZone }),
    flows: [createDailyReportFlow({ timeZone: deps.timeZone }), createGroupFlow(), ...createManageFlows()],
    idle: (input, ctx) => reportButtons(input) ?? groupMenu(input, ctx) ?? listFileIdle(input),
    effects: answerErrors(effects, [
      [ForbiddenError, "monitoring:forbidden"],
      [GroupClosedError, "monitoring:invite.closed"],
    ]),
  };
}

/** "You are now on the daily report of …", once per group; with a button to report unless one follows. */
export function linkedReplies(groups: Group[], t: TFunction, withButton: boolean): Reply[] {
  const options = withButton
    ? [[{ id: reportOptions.build("go"), label: t("monitoring:invite.reportNow") }]]
    : undefined;
  return groups.map((g, i) =>
    text(t("monitoring:report.linked", joinedReplyParts(g, t)), {
      options: i === groups.length - 1 ? options : undefined,
    }),
  );
}

/** Run after `user.setPhone`: the listed entries waiting for this phone are linked to the new account. */
export function monitoringPhoneListener(): PhoneListener {
  return async (env, phone) => {
    const linked = await linkByPhone(env.tx, env.user.id, phone, env.now);
    return linkedReplies(
      linked.map((l) => l.group),
      env.ctx.t,
      true,
    );
  };
}

/** A list file sent with no flow active: for the manager's only group (the effect finds it). */
function listFileIdle(input: Input): StepResult | null {
  if (input.kind !== "document" || !listFileKind(input.fileName, input.mimeType)) return null;
  const { fileRef, fileName, mimeType, size } = input;
  return {
    state: null,
    replies: [],
    effects: [{ type: "monitoring.importList", groupId: null, fileRef, fileName, mimeType, size }],
  };
}
