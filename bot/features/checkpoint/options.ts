import { optionCodec } from "../../core/options.js";

export const CHECKIN_FLOW = "checkin";
export const VISITORS_FLOW = "visitors";
export const SCAN_FLOW = "scan";
export const REGISTER_FLOW = "checkpoint";

/**
 * Buttons pressed long after, with or without a flow active: Check out under a check-in confirmation, and
 * Not me under the notice of a check-in staff made by one's phone. Each carries the visit's id.
 */
export const checkinOptions = optionCodec(CHECKIN_FLOW, { out: ["int"], notme: ["int"] });

const PLACE = ["int"] as const;

/** A manager's buttons on a checkpoint; each carries the checkpoint's id. */
export const visitorsOptions = optionCodec(VISITORS_FLOW, {
  view: PLACE,
  export: PLACE,
  /** Export the last n days: checkpoint, days (default one: today). */
  x: ["int", "int?"],
  range: PLACE,
  poster: PLACE,
  staff: PLACE,
  rotate: PLACE,
  rotok: PLACE,
});

/** Staff scanning: which checkpoint, by name and phone instead of a photo, done; the scanner app's link. */
export const scanOptions = optionCodec(SCAN_FLOW, { at: PLACE, manual: [], done: [], app: [] });

/** /checkpoint, registering a place: the same ids as before the codec, so older buttons keep working. */
export const registerOptions = optionCodec(REGISTER_FLOW, {
  /** The parent checkpoint's id, or "none" for a place of its own. */
  parent: ["str"],
  /** "mine": the registering person's own phone. */
  phone: ["str"],
  prov: ["str"],
  comm: ["str"],
  kind: ["str"],
  /** Default stay, minutes. */
  stay: ["int"],
  confirm: [],
  restart: [],
});
