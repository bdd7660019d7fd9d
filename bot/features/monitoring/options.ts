import { optionCodec } from "../../core/options.js";

export const REPORT_FLOW = "report";
export const MANAGE_FLOW = "mgroup";
export const CREATE_FLOW = "newgroup";

/** Buttons of the daily report, and of the reminders and notices that open it. */
export const reportOptions = optionCodec(REPORT_FLOW, {
  /** Open the report (for one member when given). */
  go: ["int?"],
  /** "Well, no symptoms" in one tap, for one member (without one: open the report). */
  ok: ["int?"],
  /** Confirm a listing by a manager's list file. */
  join: [],
  /** Add a dependent to a group: group, person. */
  dep: ["int", "int"],
  who: ["int"],
  skip: [],
  healthy: [],
  unwell: [],
  band: ["str"],
  /** Tick or untick a symptom. */
  t: ["str"],
  none: [],
  done: [],
});

const GROUP = ["int"] as const;

/** A manager's buttons on a group and its members; each carries the group's or the member's id. */
export const manageOptions = optionCodec(MANAGE_FLOW, {
  view: GROUP,
  ref: GROUP,
  /** A page of the member list: group, page. */
  mem: ["int", "int?"],
  up: GROUP,
  link: GROUP,
  bc: GROUP,
  mgr: GROUP,
  win: GROUP,
  /** One member, and what can be done to them. */
  m: GROUP,
  rel: GROUP,
  relok: GROUP,
  rm: GROUP,
  rmok: GROUP,
  pause: GROUP,
  resume: GROUP,
  send: [],
  nosend: [],
});

/** Buttons of /newgroup. */
export const createOptions = optionCodec(CREATE_FLOW, {
  kind: ["str"],
  commune: ["str"],
  days: ["int"],
  win: ["str"],
  ok: [],
});
