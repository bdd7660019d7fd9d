import { answerErrors } from "../../core/answer-errors.js";
import type { EffectEnv, EffectHandlers, Feature } from "../../core/engine.js";
import type { I18n } from "../../core/i18n.js";
import { text } from "../../core/replies.js";
import type { StepContext } from "../../core/types.js";
import { createLinks, type Links } from "../../shared/links.js";
import { createQrDecoder, type QrDecoder } from "../../shared/qr/decode.js";
import { personalTokenIn, readQrPhoto } from "../../shared/qr/read-photo.js";
import { loadSigningKeys } from "../../shared/qr/signing-keys.js";
import { ForbiddenError } from "../../shared/roles.js";
import { checkinIdle, createCheckinFlow, createCheckoutFlow, photoPayload } from "./checkin-flow.js";
import { DEFAULT_DAILY_CAP } from "./checkin-policy.js";
import { CHECKPOINT_LINK_PREFIX, checkpointCodeInQr, checkpointsOf } from "./checkpoints.js";
import { checkpointCodes } from "./codes.js";
import { notMe } from "./dispute-effects.js";
import type { CheckpointEffectType } from "./effects.js";
import { checkpointHome } from "./home.js";
import { manageEffects } from "./manage-effects.js";
import { createCheckpointRegisterFlow } from "./register-flow.js";
import { checkinReply, checkoutReply } from "./replies.js";
import { staffManual, staffScanToken } from "./scan-effects.js";
import { createScanFlow } from "./scan-flow.js";
import type { VenueNotes } from "./venue-notes.js";
import { createVisitorsFlow, visitorsMenu } from "./visitors-flow.js";
import { checkIn, checkOut, checkOutCurrent, checkpointNames, userVisitor } from "./visits.js";

/**
 * What other features may use of checkpoints: the longest stay (for tracing windows), the visits' purge and
 * their day partitions.
 */
export { scheduleAutoCheckout } from "./auto-checkout-job.js";
export { STAY_MAX_MINUTES } from "./checkin-policy.js";
/** For venue notes (safety rating, area level): the place, its parts and who runs it; a poster's code in a scan. */
export {
  type Checkpoint,
  checkpointById,
  checkpointCodeInQr,
  checkpointsOf,
  lineage,
  requireCheckpointRole,
} from "./checkpoints.js";
export { ensureVisitPartitions } from "./partitions.js";
export { scheduleVisitPartitions } from "./partitions-job.js";
export { checkpointsCreatedBy, eraseVisits, type HeldVisit, visitsHeldFor } from "./personal-data.js";
export type { CheckinNote, VenueNotes, ViText } from "./venue-notes.js";
export { posterOption } from "./visitors-flow.js";
export { purgeVisits } from "./visits.js";

export interface CheckpointFeatureDeps {
  /** For notices in the recipient's language (the holder of a phone staff checked in, the managers). */
  i18n: I18n;
  /** Poster and invitation links for the deployment's channels; without Telegram the QR carries `cp_<code>` alone. */
  links?: Links;
  /** Check-ins a person may make by themselves per local day; null: no cap (CHECKIN_DAILY_CAP). */
  dailyCap?: number | null;
  /** QR_SIGNING_KEY, to verify personal QR codes staff scan (the stored key is always in the keyring). */
  qrSigningKey?: string;
  /** The photo size limit, checked before and while downloading (default 10 MB). */
  maxPhotoBytes?: number;
  /** How long a staff invitation link works (default 7 days). */
  staffInviteDays?: number;
  decoder?: QrDecoder;
  /** The web page's scanning screen (Telegram Mini App), offered to staff in /scan; unset: not offered. */
  scanWebAppUrl?: string;
  /** Lines and buttons other features add to the check-in confirmation, the poster and the manager's menu. */
  notes?: VenueNotes[];
  /** TZ_REPORTING: the local day of the daily cap and of the notes (the same zone as the engine's). */
  timeZone: string;
}

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Checkpoints: registration, posters, check-in four ways, check-out, staff scanning, the manager's view. */
export function checkpointFeature(deps: CheckpointFeatureDeps): Feature {
  const links = deps.links ?? createLinks({ botUsername: () => undefined });
  const cap = deps.dailyCap === undefined ? DEFAULT_DAILY_CAP : deps.dailyCap;
  const maxBytes = deps.maxPhotoBytes ?? MAX_PHOTO_BYTES;
  const notes = deps.notes ?? [];
  let decoder = deps.decoder;
  // The WebAssembly decoder is instantiated on the first photo, not at start.
  const qr = () => {
    decoder ??= createQrDecoder();
    return decoder;
  };
  const keys = async (env: EffectEnv) =>
    (await loadSigningKeys(env.tx, { configured: deps.qrSigningKey, now: env.now })).keyring;

  const photoProblem = (reason: "tooLarge" | "unreadable" | "busy", ctx: StepContext) =>
    text(ctx.t(`checkpoint:photo.${reason}`, { mb: Math.round(maxBytes / 1024 / 1024) }));

  const effects: Pick<EffectHandlers, CheckpointEffectType> = {
    ...manageEffects({ links, staffInviteDays: deps.staffInviteDays ?? 7, notes }),

    "checkpoint.checkin": async (e, env) => {
      const outcome = await checkIn(env.tx, {
        checkpoint: { id: e.checkpointId, stayMinutes: e.stayMinutes },
        visitor: userVisitor(env.user.id),
        method: e.method,
        now: env.now,
        cap,
        timeZone: env.ctx.timeZone,
        state: e.state,
      });
      return checkinReply(outcome, e.name, env.ctx, outcome.kind === "checked_in" ? (e.notes ?? []) : []);
    },
    "checkpoint.checkout": async (e, env) => {
      const outcome = await checkOut(env.tx, env.user.id, e.visitId, env.now);
      const id = outcome.kind === "none" ? undefined : outcome.visit.checkpointId;
      const name = id === undefined ? undefined : (await checkpointNames(env.tx, [id])).get(id);
      return [checkoutReply(outcome, name, env.ctx)];
    },
    "checkpoint.checkoutCurrent": async (_e, env) => {
      const outcome = await checkOutCurrent(env.tx, env.user.id, env.now);
      const id = outcome.kind === "none" ? undefined : outcome.visit.checkpointId;
      const name = id === undefined ? undefined : (await checkpointNames(env.tx, [id])).get(id);
      return [{ ...checkoutReply(outcome, name, env.ctx), edit: false }];
    },
    "checkpoint.photo": async (e, env) => {
      const { t } = env.ctx;
      const read = await readQrPhoto(qr(), env.files, e, maxBytes);
      if (!read.ok) return [photoProblem(read.reason, env.ctx)];
      const code = read.texts.map(checkpointCodeInQr).find((c) => c !== null);
      if (code) return { next: { flow: "checkin", payload: photoPayload(code) } };
      const token = personalTokenIn(read.texts);
      if (token) {
        const places = await checkpointsOf(env.tx, env.user.id, ["checkpoint_staff", "checkpoint_manager"]);
        if (places.length === 1)
          return staffScanToken(env, { checkpointId: places[0]!.id, token, keys: await keys(env) });
        return [text(t(places.length > 1 ? "checkpoint:photo.useScan" : "checkpoint:photo.personalQr"))];
      }
      return [text(t(read.texts.length === 0 ? "checkpoint:photo.noQr" : "checkpoint:photo.notOurs"))];
    },
    "checkpoint.staffPhoto": async (e, env) => {
      const { t } = env.ctx;
      const read = await readQrPhoto(qr(), env.files, e, maxBytes);
      if (!read.ok) return [photoProblem(read.reason, env.ctx)];
      const token = personalTokenIn(read.texts);
      if (token) return staffScanToken(env, { checkpointId: e.checkpointId, token, keys: await keys(env) });
      if (read.texts.some((x) => checkpointCodeInQr(x) !== null))
        return [text(t("checkpoint:scan.posterNotPerson"))];
      return [
        text(t(read.texts.length === 0 ? "checkpoint:photo.noQr" : "checkpoint:scan.refused.malformed")),
      ];
    },
    "checkpoint.staffToken": async (e, env) =>
      staffScanToken(env, { checkpointId: e.checkpointId, token: e.token.trim(), keys: await keys(env) }),
    "checkpoint.staffManual": (e, env) => staffManual(env, e, deps.i18n),
    "checkpoint.notMe": (e, env) => notMe(env, deps.i18n, e.visitId),
  };

  return {
    name: "checkpoint",
    home: checkpointHome(),
    codes: checkpointCodes,
    flows: [
      createCheckinFlow({ cap, timeZone: deps.timeZone, notes }),
      createCheckoutFlow(),
      createCheckpointRegisterFlow(),
      createScanFlow({ webAppUrl: deps.scanWebAppUrl }),
      createVisitorsFlow(),
    ],
    deepLinks: [{ prefix: CHECKPOINT_LINK_PREFIX, flow: "checkin" }],
    idle: (input, ctx) => visitorsMenu(input, ctx) ?? checkinIdle(input, ctx),
    effects: answerErrors(effects, [[ForbiddenError, "checkpoint:forbidden"]]),
  };
}
