import { eq } from "drizzle-orm";
import { users } from "../../../db/schema/index.js";
import type { EffectEnv } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { Reply } from "../../core/types.js";
import { audit } from "../../shared/audit.js";
import { localDay, localTime } from "../../shared/local-time.js";
import { formatPhone } from "../../shared/phone.js";
import { notify } from "../monitoring/index.js";
import { notMeOption } from "./checkin-flow.js";
import type { Checkpoint } from "./checkpoints.js";
import { checkpointManagerIds, refuseStaffVisit } from "./disputes.js";
import type { Visit } from "./visits.js";

/**
 * A check-in staff made by name and phone is filed under the account holding that phone, so that person is
 * told at once, in their language, with a button to refuse it: nobody gets a visit (and a place in a trace)
 * pinned on them without knowing.
 */
export async function tellPhoneHolder(
  env: EffectEnv,
  i18n: I18n,
  p: { userId: number; visit: Visit; checkpoint: Checkpoint },
): Promise<number> {
  const tz = env.ctx.timeZone;
  return notify(env.tx, i18n, [
    {
      userId: p.userId,
      dedupeKey: `staffcheckin:${p.visit.id}`,
      reply: (t) =>
        text(
          t("checkpoint:notMe.notice", {
            name: p.checkpoint.name,
            time: localTime(p.visit.checkedInAt, tz),
            day: localDay(p.visit.checkedInAt, tz),
          }),
          { options: [[{ id: notMeOption(p.visit.id), label: t("checkpoint:notMe.button") }]] },
        ),
    },
  ]);
}

/**
 * "Not me": the visit is removed (only the holder's own check-in by phone), the refusal is audited and kept
 * for the checkpoint's managers, who are told through the outbox which staff account made it.
 */
export async function notMe(env: EffectEnv, i18n: I18n, visitId: number): Promise<Reply[]> {
  const { t } = env.ctx;
  const refusal = await refuseStaffVisit(env.tx, { userId: env.user.id, visitId, now: env.now });
  if (refusal.kind === "gone") return [text(t("checkpoint:notMe.already"), { edit: true })];
  if (refusal.kind === "notYours") return [text(t("checkpoint:notMe.notYours"))];
  const { visit, checkpoint } = refusal;
  await audit(env.tx, {
    actorUserId: env.user.id,
    action: "checkpoint.visitRefused",
    subjectUserIds: [env.user.id],
    scope: { type: "checkpoint", id: String(checkpoint.id) },
    detail: { visitId: visit.id, staffUserId: visit.checkedInBy, reopened: refusal.reopened },
    at: env.now,
  });
  const tz = env.ctx.timeZone;
  const vars = {
    name: checkpoint.name,
    time: localTime(visit.checkedInAt, tz),
    day: localDay(visit.checkedInAt, tz),
  };
  const [staff] = visit.checkedInBy
    ? await env.tx.select({ phone: users.phone }).from(users).where(eq(users.id, visit.checkedInBy))
    : [];
  const managers = await checkpointManagerIds(env.tx, checkpoint.id);
  await notify(
    env.tx,
    i18n,
    managers.map((userId) => ({
      userId,
      dedupeKey: `visitrefused:${visit.id}:${userId}`,
      reply: (mt) =>
        text(
          mt("checkpoint:notMe.managerNotice", {
            ...vars,
            staff: staff?.phone ? formatPhone(staff.phone) : mt("checkpoint:notMe.staffUnknown"),
          }),
        ),
    })),
  );
  const lines = [t("checkpoint:notMe.removed", vars)];
  if (refusal.reopened) lines.push(t("checkpoint:notMe.reopened"));
  return [text(lines.join("\n"), { edit: true })];
}
