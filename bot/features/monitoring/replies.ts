import type { TFunction } from "i18next";
import { LIVE_MEMBER_STATUSES } from "../../../db/schema/index.js";
import type { Lang } from "../../core/i18n.js";
import { rows, text } from "../../core/replies.js";
import { displayShortCode } from "../../core/short-code.js";
import type { Option, Reply, StepContext } from "../../core/types.js";
import type { PosterInput } from "../../render/poster.js";
import type { Links } from "../../shared/links.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { formatPhone } from "../../shared/phone.js";
import { formatDay, formatWindow, formatWindows, lastDayOf, reportValues, whoWithRoom } from "./format.js";
import type { Group } from "./groups.js";
import { groupButtons } from "./manage-flow.js";
import type { Member, Membership } from "./members.js";
import { manageOptions } from "./options.js";
import type { ReportWindow } from "./reminder-policy.js";
import type { GroupStatus, MemberLine } from "./status.js";

/** Names listed in a status before "… and N more" (a chat message holds about 4,000 characters). */
export const LIST_LIMIT = 25;
export const MEMBERS_PAGE = 10;

function names(lines: string[], t: TFunction): string {
  const shown = lines.slice(0, LIST_LIMIT).map((l) => `• ${l}`);
  if (lines.length > LIST_LIMIT) shown.push(t("monitoring:status.more", { n: lines.length - LIST_LIMIT }));
  return shown.join("\n");
}

const who = (l: MemberLine, t: TFunction) => whoWithRoom(l.member.name, l.member.room, t, l.member.phone);

/** The group's day by name: what /group shows and the digest sends. */
export function statusText(
  s: GroupStatus,
  t: TFunction,
  lang: Lang,
  opts: { now: Date; timeZone: string; digest?: boolean },
): string {
  const g = s.group;
  const title = opts.digest
    ? t("monitoring:digest.title", { group: g.name, day: formatDay(s.date) })
    : t("monitoring:status.title", {
        group: g.name,
        day: localDay(opts.now, opts.timeZone),
        time: localTime(opts.now, opts.timeZone),
      });
  const parts = [
    title,
    t("monitoring:status.period", {
      kind: t(`monitoring:kinds.${g.kind}`),
      from: formatDay(g.startsOn),
      to: formatDay(g.endsOn),
      windows: formatWindows(g.windows as ReportWindow[], t),
    }),
  ];
  if (g.closedAt) parts.push(t("monitoring:status.closed", { day: localDay(g.closedAt, opts.timeZone) }));
  if (s.followed === 0 && s.unlinked.length === 0)
    return [...parts, t("monitoring:status.nobody")].join("\n\n");
  parts.push(
    t("monitoring:status.counts", {
      followed: s.followed,
      reported: s.reported.length,
      notYet: s.notYet.length,
      silent: s.silent.length,
    }),
  );
  const section = (key: string, lines: string[]) => {
    if (lines.length > 0)
      parts.push(`${t(`monitoring:status.${key}`, { n: lines.length })}\n${names(lines, t)}`);
  };
  section(
    "symptomatic",
    s.symptomatic.map((l) => `${who(l, t)}: ${l.latest ? reportValues(l.latest, t, lang) : ""}`),
  );
  section(
    "silent",
    s.silent.map((l) => who(l, t)),
  );
  section(
    "notYet",
    s.notYet.map((l) => who(l, t)),
  );
  section(
    "unreachable",
    s.unreachable.map((l) => who(l, t)),
  );
  section(
    "unlinked",
    s.unlinked.map((m) => whoWithRoom(m.name, m.room, t, m.phone)),
  );
  if (!opts.digest)
    section(
      "reported",
      s.reported.map((l) => who(l, t)),
    );
  return parts.join("\n\n");
}

export function statusReply(s: GroupStatus, ctx: StepContext, edit: boolean): Reply {
  const body = statusText(s, ctx.t, ctx.lang, { now: ctx.now, timeZone: ctx.timeZone });
  return text(body, { options: s.group.closedAt ? [] : groupButtons(s.group.id, ctx), edit });
}

export function membersReply(group: Group, members: Member[], page: number, ctx: StepContext): Reply {
  const t = ctx.t;
  const pages = Math.max(1, Math.ceil(members.length / MEMBERS_PAGE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const shown = members.slice(p * MEMBERS_PAGE, (p + 1) * MEMBERS_PAGE);
  const options: Option[][] = rows(
    shown.map((m) => ({
      id: manageOptions.build("m", m.id),
      label: `${whoWithRoom(m.name, m.room, t, m.phone)}${m.status === "active" ? "" : " ✉️"}`.slice(0, 60),
    })),
  );
  const nav: Option[] = [];
  if (p > 0)
    nav.push({ id: manageOptions.build("mem", group.id, p - 1), label: t("monitoring:members.prev") });
  nav.push({ id: manageOptions.build("ref", group.id), label: t("monitoring:members.back") });
  if (p < pages - 1)
    nav.push({ id: manageOptions.build("mem", group.id, p + 1), label: t("monitoring:members.next") });
  options.push(nav);
  const title =
    members.length === 0
      ? t("monitoring:members.none")
      : t("monitoring:members.title", { group: group.name, n: members.length, page: p + 1, pages });
  return text(title, { options, edit: true });
}

export function memberReply(m: Membership, last: Date | null, ctx: StepContext): Reply {
  const t = ctx.t;
  const { member } = m;
  const live = (LIVE_MEMBER_STATUSES as readonly string[]).includes(member.status);
  const paused = member.pausedUntil && member.pausedUntil > ctx.now;
  const stamp = (d: Date) => `${localTime(d, ctx.timeZone)} ${localDay(d, ctx.timeZone)}`;
  const body = t("monitoring:member.detail", {
    who: whoWithRoom(member.name, member.room, t),
    phone: member.phone ? formatPhone(member.phone) : "—",
    from: formatDay(member.startsOn),
    to: formatDay(member.endsOn),
    status: t(`monitoring:member.statuses.${member.status}`),
    paused: paused ? t("monitoring:member.pausedUntil", { until: stamp(member.pausedUntil!) }) : "",
    last: last ? stamp(last) : t("monitoring:member.never"),
  });
  const options: Option[][] = [];
  if (live) {
    options.push([
      { id: manageOptions.build("rel", member.id), label: t("monitoring:member.release") },
      { id: manageOptions.build("rm", member.id), label: t("monitoring:member.remove") },
    ]);
    if (member.status === "active")
      options.push([
        paused
          ? { id: manageOptions.build("resume", member.id), label: t("monitoring:member.resume") }
          : { id: manageOptions.build("pause", member.id), label: t("monitoring:member.pause") },
      ]);
  }
  options.push([{ id: manageOptions.build("mem", m.group.id, 0), label: t("monitoring:members.back") }]);
  return text(body, { options, edit: true });
}

/** The group's poster: its link as a QR, how to join, the report times in the big frame. */
export function groupPoster(
  group: Group,
  url: string,
  t: TFunction,
  links: Links,
  code: string,
): PosterInput {
  const vi = (key: string, vars: Record<string, string> = {}) => t(key, { ...vars, lng: "vi" });
  const slots = (group.windows as ReportWindow[]).map(formatWindow);
  return {
    url,
    name: group.name,
    address: group.place,
    // The frame shows the report times; the code to send on Zalo is in the instructions.
    shortCode: slots.join("  ·  "),
    heading: vi("monitoring:poster.heading"),
    instructions: [
      vi("monitoring:poster.scan"),
      vi("monitoring:poster.accept"),
      ...(links.zalo
        ? [vi("monitoring:poster.zalo", { code: displayShortCode(code), chat: links.zaloPlace(t, "vi") })]
        : []),
      vi("monitoring:poster.report", { windows: slots.join(` ${vi("monitoring:and")} `) }),
      vi("monitoring:poster.until", { to: formatDay(lastDayOf(group.endsOn)) }),
    ],
    footer: t("monitoring:poster.footer", { lng: "en" }),
  };
}
