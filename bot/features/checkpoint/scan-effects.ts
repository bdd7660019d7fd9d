import { eq } from "drizzle-orm";
import { users } from "../../../db/schema/index.js";
import type { EffectEnv } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { Reply } from "../../core/types.js";
import { localTime } from "../../shared/local-time.js";
import type { Keyring } from "../../shared/qr/signing-keys.js";
import { verifyPersonalQr } from "../declaration/index.js";
import { tellPhoneHolder } from "./dispute-effects.js";
import { age, initials } from "./replies.js";
import { scanButtons } from "./scan-flow.js";
import { personVisitor, staffCheckIn, userVisitor, type Visitor, walkInVisitor } from "./visits.js";

/**
 * A staff member's scan of a personal QR: refused when forged, unknown, expired, replaced or erased; else the
 * person is checked in at the checkpoint and staff see initials, status and how old the declaration is.
 */
export async function staffScanToken(
  env: EffectEnv,
  p: { checkpointId: number; token: string; keys: Keyring },
): Promise<Reply[]> {
  const { t } = env.ctx;
  const buttons = { options: scanButtons(env.ctx) };
  const check = await verifyPersonalQr(env.tx, p.keys, p.token, env.now);
  if (!check.ok) return [text(`⛔ ${t(`checkpoint:scan.refused.${check.reason}`)}`, buttons)];
  const person = check.person;
  const visitor = person.kind === "self" ? userVisitor(person.userId) : personVisitor(person.id);
  const { outcome, checkpoint } = await staffCheckIn(env.tx, {
    actorUserId: env.user.id,
    checkpointId: p.checkpointId,
    visitor,
    method: "staff_qr",
    now: env.now,
    timeZone: env.ctx.timeZone,
    subjectUserId: person.userId,
  });
  const lines = [
    outcome.kind === "already"
      ? t("checkpoint:scan.already", {
          who: initials(person.fullName),
          since: localTime(outcome.since, env.ctx.timeZone),
        })
      : t("checkpoint:scan.checkedIn", { who: initials(person.fullName), name: checkpoint.name }),
    t("checkpoint:scan.status", {
      status: t(`checkpoint:status.${check.status}`),
      age: age(check.declaration.declaredAt, env.now, t),
    }),
  ];
  if (person.birthYear) lines.push(t("checkpoint:scan.born", { year: person.birthYear }));
  if (check.status === "red") lines.push(`⚠️ ${t("checkpoint:scan.redWarning")}`);
  if (check.status === "yellow") lines.push(`⚠️ ${t("checkpoint:scan.yellowWarning")}`);
  return [text(lines.join("\n"), buttons)];
}

/**
 * Staff check someone in by name and phone: an account with that phone, else a walk-in visitor. The account
 * holder is told at once (with Not me), and staff are told they were.
 */
export async function staffManual(
  env: EffectEnv,
  p: { checkpointId: number; name: string; phone: string },
  i18n: I18n,
): Promise<Reply[]> {
  const { t } = env.ctx;
  const [account] = await env.tx
    .select({ id: users.id })
    .from(users)
    .where(eq(users.phone, p.phone))
    .limit(1);
  const visitor: Visitor = account ? userVisitor(account.id) : walkInVisitor(p.name, p.phone);
  const { outcome, checkpoint } = await staffCheckIn(env.tx, {
    actorUserId: env.user.id,
    checkpointId: p.checkpointId,
    visitor,
    method: "staff_manual",
    now: env.now,
    timeZone: env.ctx.timeZone,
    subjectUserId: account?.id ?? null,
  });
  const who = initials(p.name);
  const lines =
    outcome.kind === "already"
      ? [t("checkpoint:scan.already", { who, since: localTime(outcome.since, env.ctx.timeZone) })]
      : [t("checkpoint:scan.checkedIn", { who, name: checkpoint.name })];
  // Staff checking themselves in by their own phone need no notice.
  if (outcome.kind === "checked_in" && account && account.id !== env.user.id) {
    await tellPhoneHolder(env, i18n, { userId: account.id, visit: outcome.visit, checkpoint });
    lines.push(t("checkpoint:scan.holderTold"));
  }
  return [text(lines.join("\n"), { options: scanButtons(env.ctx) })];
}
