import type { FollowUpStatus } from "../../../db/schema/tracing.js";

/** How the officer named the case: a phone (E.164), an ID number, or a photo of their personal QR. */
export type TraceWho =
  | { by: "phone"; value: string }
  | { by: "id"; value: string }
  | { by: "photo"; value: string; size?: number };

declare module "../../core/types.js" {
  interface EffectMap {
    "tracing.run": { who: TraceWho; days: number };
    "tracing.f2": { traceId: number };
    "tracing.confirm": { traceId: number };
    "tracing.notify": { traceId: number };
    "tracing.enrollMenu": { traceId: number };
    /** groupId null: a new home-quarantine group. */
    "tracing.enroll": { traceId: number; groupId: number | null };
    "tracing.followUpList": { traceId: number };
    "tracing.followUpShow": { contactId: number };
    "tracing.followUp": { contactId: number; status: FollowUpStatus };
    "tracing.stats": { days: number };
    "tracing.audit": { actor?: string; subject?: string; export?: boolean };
    "tracing.invite": {
      role: "commune_officer" | "district_officer";
      scope: { type: "commune" | "province"; id: string };
      label: string;
    };
  }
}

export type TracingEffectType =
  | "tracing.run"
  | "tracing.f2"
  | "tracing.confirm"
  | "tracing.notify"
  | "tracing.enrollMenu"
  | "tracing.enroll"
  | "tracing.followUpList"
  | "tracing.followUpShow"
  | "tracing.followUp"
  | "tracing.stats"
  | "tracing.audit"
  | "tracing.invite";
