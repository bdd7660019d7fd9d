import { compiledPer } from "../../../db/compiled.js";
import { end, text } from "../../core/replies.js";
import type { Flow, Input, LoadEnv, StepContext, StepResult } from "../../core/types.js";
import { isoDay, localDate } from "../../shared/local-time.js";
import { qrImageOf } from "../../shared/qr/photo-input.js";
import { selfDeclaredValidSql } from "../declaration/index.js";
import {
  CHECKPOINT_LINK_PREFIX,
  type CheckinLookup,
  checkinLookupCode,
  checkpointForCheckinSql,
} from "./checkpoints.js";
import type {} from "./effects.js";
import { CHECKIN_FLOW, checkinOptions } from "./options.js";
import { checkinNoteLines, checkinNotesSql, checkinNoteValues, type VenueNotes } from "./venue-notes.js";
import {
  type CheckinState,
  checkinCountDay,
  checkinStateSql,
  type LocalDayBounds,
  parseCheckinState,
  userVisitor,
} from "./visits.js";

export { CHECKIN_FLOW };

/** Internal payloads of the check-in flow besides the deep link: a decoded photo, a typed short code. */
const PHOTO_PREFIX = "ph_";
const TYPED_PREFIX = "sc_";

export const photoPayload = (code: string) => `${PHOTO_PREFIX}${code}`;
export const typedPayload = (shortCode: string) => `${TYPED_PREFIX}${shortCode}`;
export const checkoutOption = (visitId: number) => checkinOptions.build("out", visitId);
export const notMeOption = (visitId: number) => checkinOptions.build("notme", visitId);

/**
 * The flow to start once the declaration is submitted, given as the declaration's start payload (the way
 * registration carries on to where the person was heading).
 */
export const declarationThen = (payload: string) => `${CHECKIN_FLOW} ${payload}`;

type Method = "link" | "photo" | "code";

interface Loaded {
  checkpoint: { id: number; name: string; stayMinutes: number } | null;
  method: Method;
  declared: boolean;
  state?: CheckinState;
  notes: unknown[];
}

export interface CheckinFlowDeps {
  /** Check-ins a person may make by themselves per local day; null: no cap. */
  cap: number | null;
  timeZone: string;
  notes: VenueNotes[];
}

function parsePayload(payload: string): { method: Method; code: string } | null {
  if (payload.startsWith(CHECKPOINT_LINK_PREFIX))
    return { method: "link", code: payload.slice(CHECKPOINT_LINK_PREFIX.length) };
  if (payload.startsWith(PHOTO_PREFIX)) return { method: "photo", code: payload.slice(PHOTO_PREFIX.length) };
  if (payload.startsWith(TYPED_PREFIX)) return { method: "code", code: payload.slice(TYPED_PREFIX.length) };
  return null;
}

const READ_NAMES = ["code", "userId", "now", "key", "today"] as const;

/**
 * The checkpoint, whether the visitor's declaration is valid, the visitor's open visit (locked) and today's
 * count, and the venue notes' data: one statement, compiled once per way of naming the checkpoint and per
 * local day (the day's bounds are constants: see checkedInWithin).
 */
function checkinRead(deps: CheckinFlowDeps, by: CheckinLookup) {
  return compiledPer(
    READ_NAMES,
    (day: LocalDayBounds | null) => day?.start.toISOString() ?? "",
    (p, day) =>
      checkpointForCheckinSql(by, p.code, (cp) => ({
        declared: selfDeclaredValidSql(p.userId, p.now),
        state: checkinStateSql(p.key, p.now, day),
        notes: checkinNotesSql(deps.notes, cp, { now: p.now, today: p.today }),
      })),
  );
}

type CheckinRead = ReturnType<typeof checkinRead>;

async function load(
  env: LoadEnv,
  deps: CheckinFlowDeps,
  reads: Record<CheckinLookup, CheckinRead>,
): Promise<Loaded> {
  const parsed = parsePayload(env.payload ?? "");
  const method = parsed?.method ?? "link";
  const by: CheckinLookup = parsed?.method === "code" ? "shortCode" : "code";
  const code = parsed && checkinLookupCode(by, parsed.code);
  if (!code) return { checkpoint: null, method, declared: false, notes: [] };
  const { now } = env;
  const day = checkinCountDay(now, deps.timeZone, deps.cap);
  const [row] = await reads[by](
    env.tx,
    {
      code,
      userId: env.user.id,
      now: now.toISOString(),
      key: userVisitor(env.user.id).key,
      today: isoDay(localDate(now, deps.timeZone)),
    },
    day,
  );
  if (!row) return { checkpoint: null, method, declared: false, notes: [] };
  return {
    checkpoint: { id: Number(row.id), name: String(row.name), stayMinutes: Number(row.stay_minutes) },
    method,
    declared: row.declared === true,
    state: parseCheckinState(String(row.state)),
    notes: checkinNoteValues(row.notes),
  };
}

/**
 * `/start cp_<code>` (and a decoded poster photo, and a typed short code): someone who has not declared yet
 * is taken through the declaration first, and comes back here when it is sent.
 */
export function createCheckinFlow(deps: CheckinFlowDeps): Flow<Loaded> {
  const reads = { code: checkinRead(deps, "code"), shortCode: checkinRead(deps, "shortCode") };
  return {
    name: CHECKIN_FLOW,
    requiresPhone: true,
    load: (env) => load(env, deps, reads),
    start(ctx, payload) {
      const l = ctx.loaded;
      if (!l.checkpoint) {
        const key = l.method === "code" ? "checkpoint:checkin.unknownCode" : "checkpoint:checkin.unknown";
        return end([text(ctx.t(key))]);
      }
      if (!l.declared) {
        return end([text(ctx.t("checkpoint:checkin.declareFirst", { name: l.checkpoint.name }))], {
          next: { flow: "declaration", payload: declarationThen(payload) },
        });
      }
      const { id, name, stayMinutes } = l.checkpoint;
      return end([], {
        effects: [
          {
            type: "checkpoint.checkin",
            checkpointId: id,
            name,
            stayMinutes,
            method: l.method,
            state: l.state,
            notes: checkinNoteLines(deps.notes, l.notes, ctx),
          },
        ],
      });
    },
    step: () => end([]),
    prompt: () => [],
  };
}

/** /checkout: ends the person's open visit wherever it is. */
export function createCheckoutFlow(): Flow {
  const run = () => end([], { effects: [{ type: "checkpoint.checkoutCurrent" }] });
  return { name: "checkout", commands: ["checkout"], start: run, step: run, prompt: () => [] };
}

/**
 * Input with no flow active that belongs to check-in: the Check out and Not me buttons (these two work
 * mid-conversation too), a photo (or an image sent as a file) of a QR, a PDF sent instead of a photo.
 * Other files are left to others.
 */
export function checkinIdle(input: Input, ctx: StepContext): StepResult | null {
  if (input.kind === "option") {
    const out = checkinOptions.match(input, "out");
    if (out) return end([], { effects: [{ type: "checkpoint.checkout", visitId: out[0] }] });
    const notMe = checkinOptions.match(input, "notme");
    return notMe ? end([], { effects: [{ type: "checkpoint.notMe", visitId: notMe[0] }] }) : null;
  }
  const image = qrImageOf(input);
  if (image) return end([], { effects: [{ type: "checkpoint.photo", ...image }] });
  if (
    input.kind === "document" &&
    (input.mimeType === "application/pdf" || /\.pdf$/i.test(input.fileName ?? ""))
  )
    return end([text(ctx.t("checkpoint:photo.pdf"))]);
  return null;
}
