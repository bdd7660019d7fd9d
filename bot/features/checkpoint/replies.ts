import type { TFunction } from "i18next";
import { text } from "../../core/replies.js";
import type { Option, Reply, StepContext } from "../../core/types.js";
import type { PosterInput } from "../../render/poster.js";
import type { Links } from "../../shared/links.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { checkoutOption } from "./checkin-flow.js";
import { CHECKPOINT_LINK_PREFIX, type Checkpoint, displayShortCode } from "./checkpoints.js";
import { stayText } from "./register-state.js";
import type { VisitorSummary } from "./visit-log.js";
import { managerButtons } from "./visitors-flow.js";
import type { CheckinOutcome, CheckoutOutcome } from "./visits.js";

/** What a poster's QR encodes: the bot's deep link, or the bare payload where there is no bot username. */
export function checkpointLink(code: string, botUsername: string | undefined): string {
  const payload = `${CHECKPOINT_LINK_PREFIX}${code}`;
  return botUsername ? `https://t.me/${botUsername}?start=${payload}` : payload;
}

/** The poster's text, always in Vietnamese (it hangs at a Vietnamese door), with an English footer. */
export function posterInput(
  cp: Checkpoint,
  parent: Checkpoint | null,
  t: TFunction,
  links: Links,
  status: string[] = [],
): PosterInput {
  const vi = (key: string, vars: Record<string, string> = {}) => t(key, { ...vars, lng: "vi" });
  const code = displayShortCode(cp.shortCode);
  const botUsername = links.botUsername();
  return {
    url: checkpointLink(cp.code, botUsername),
    name: parent ? `${cp.name} — ${parent.name}` : cp.name,
    address: cp.address,
    status,
    shortCode: code,
    heading: vi("checkpoint:poster.heading"),
    instructions: [
      vi("checkpoint:poster.scan"),
      botUsername
        ? vi("checkpoint:poster.photo", { bot: `@${botUsername}` })
        : vi("checkpoint:poster.photoNoBot"),
      ...(links.zalo ? [vi("checkpoint:poster.zalo", { code, chat: links.zaloPlace(t, "vi") })] : []),
      vi("checkpoint:poster.type", { code }),
      vi("checkpoint:poster.checkout", { stay: stayText(cp.stayMinutes, t, "vi") }),
    ],
    footer: t("checkpoint:poster.footer", { lng: "en", code }),
  };
}

/** "N.V.A.": enough for staff to tell people apart, not enough to name them. */
export function initials(fullName: string): string {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  return words.length === 0 ? "?" : `${words.map((w) => w[0]!.toLocaleUpperCase("vi")).join(".")}.`;
}

/** "3 ngày", "5 giờ", "20 phút": how long ago. */
export function age(from: Date, now: Date, t: TFunction): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return t("checkpoint:age.minutes", { n: minutes });
  if (minutes < 48 * 60) return t("checkpoint:age.hours", { n: Math.floor(minutes / 60) });
  return t("checkpoint:age.days", { n: Math.floor(minutes / 1440) });
}

const checkoutButton = (visitId: number, t: TFunction) => [
  [{ id: checkoutOption(visitId), label: t("checkpoint:checkin.checkoutButton") }],
];

/** The answer to a check-in the visitor made: confirmation with Check out, "already", or the cap. */
export function checkinReply(
  outcome: CheckinOutcome,
  place: string,
  ctx: StepContext,
  notes: string[] = [],
): Reply[] {
  const { t, timeZone } = ctx;
  if (outcome.kind === "capped") return [text(t("checkpoint:checkin.capped", { cap: outcome.cap }))];
  if (outcome.kind === "already") {
    const since = localTime(outcome.since, timeZone);
    return [
      text(t("checkpoint:checkin.already", { name: place, since }), {
        options: checkoutButton(outcome.visitId, t),
      }),
    ];
  }
  const v = outcome.visit;
  const lines = [];
  if (outcome.closed)
    lines.push(t(`checkpoint:checkin.closed.${outcome.closed.how}`, { name: outcome.closed.name }));
  lines.push(
    t("checkpoint:checkin.done", { name: place, time: localTime(v.checkedInAt, timeZone) }),
    t("checkpoint:checkin.until", { until: localTime(v.autoCheckoutAt, timeZone) }),
    ...notes,
  );
  return [text(lines.join("\n"), { options: checkoutButton(v.id, t) })];
}

export function checkoutReply(outcome: CheckoutOutcome, place: string | undefined, ctx: StepContext): Reply {
  const { t, timeZone } = ctx;
  if (outcome.kind === "none") return text(t("checkpoint:checkout.none"));
  const at = localTime(
    outcome.kind === "done" ? outcome.at : (outcome.visit.checkedOutAt ?? ctx.now),
    timeZone,
  );
  if (outcome.kind === "already")
    return text(t("checkpoint:checkout.already", { name: place ?? "", at }), { edit: true });
  const key = outcome.how === "automatic" ? "checkpoint:checkout.auto" : "checkpoint:checkout.done";
  return text(t(key, { name: place ?? "", at }), { edit: true });
}

/** The manager's view: inside now, today's count, each part, and the latest arrivals by initials. */
export function summaryReply(s: VisitorSummary, ctx: StepContext, edit = false, extra: Option[] = []): Reply {
  const { t, timeZone } = ctx;
  const cp = s.checkpoint;
  const lines = [
    t("checkpoint:visitors.title", { name: cp.name, code: displayShortCode(cp.shortCode) }),
    t("checkpoint:visitors.insideNow", { n: s.inside.length }),
    t("checkpoint:visitors.todayCount", { n: s.todayCount, day: localDay(ctx.now, timeZone) }),
  ];
  if (s.refusedThisWeek > 0)
    lines.push(`⚠️ ${t("checkpoint:visitors.refused", { count: s.refusedThisWeek })}`);
  const parts = s.places.slice(1);
  if (parts.length > 0) {
    lines.push("", t("checkpoint:visitors.byPart"));
    for (const p of s.places)
      lines.push(
        t("checkpoint:visitors.partLine", { name: p.checkpoint.name, inside: p.inside, today: p.today }),
      );
  }
  if (s.inside.length > 0) {
    const names = new Map(s.places.map((p) => [p.checkpoint.id, p.checkpoint.name]));
    lines.push("", t("checkpoint:visitors.latest"));
    for (const r of s.inside.slice(0, 15)) {
      const where = parts.length > 0 ? ` (${names.get(r.visit.checkpointId) ?? ""})` : "";
      lines.push(`• ${localTime(r.visit.checkedInAt, timeZone)} ${initials(r.name)}${where}`);
    }
  }
  return text(lines.join("\n"), { edit, options: managerButtons(cp.id, ctx, extra) });
}
