import { optionCodec } from "../../core/options.js";
import { STATS_DAYS } from "./stats.js";

export const TRACE_FLOW = "trace";
export const STATS_FLOW = "stats";
export const AUDIT_FLOW = "audit";
export const INVITE_FLOW = "invite";

const TRACE = ["int"] as const;

/** The buttons of a trace's result and of its follow-up; each carries the trace's or the contact's id. */
export const traceOptions = optionCodec(TRACE_FLOW, {
  days: ["int"],
  f2: TRACE,
  f0: TRACE,
  f0ok: TRACE,
  notify: TRACE,
  notifyok: TRACE,
  no: TRACE,
  enroll: TRACE,
  /** Enroll the F1s in a new home-quarantine group. */
  en: TRACE,
  /** Enroll them in an existing group: trace, group. */
  eg: ["int", "int"],
  fu: TRACE,
  /** One contact, and its follow-up status by short code. */
  fc: ["int"],
  fs: ["int", "str"],
});

/** The period buttons of /stats: the action is the number of days. */
export const statsOptions = optionCodec(
  STATS_FLOW,
  Object.fromEntries(STATS_DAYS.map((d) => [String(d), [] as const])) as Record<
    `${(typeof STATS_DAYS)[number]}`,
    readonly []
  >,
);

/** /invite: the role, the province and commune pickers, a whole province or one commune. */
export const inviteOptions = optionCodec(INVITE_FLOW, {
  role: ["str"],
  prov: ["str"],
  comm: ["str"],
  whole: [],
  one: [],
});

/** The Export button under an audit listing, with its filter (`a` actor or `s` subject, and who). */
export const auditOptions = optionCodec(AUDIT_FLOW, { csv: ["str?", "str?"] });
