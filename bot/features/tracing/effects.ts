import type { FollowUpStatus } from "../../../db/schema/tracing.js";

/** How the officer named the case: a phone (E.164), an ID number, or a photo of their personal QR. */
export type TraceWho =
  | { by: "phone"; value: string }
  | { by: "id"; value: string }
  | { by: "photo"; value: string; size?: number };

declare module "../../core/types.js" {
  interface EffectMap {
    "trace.run": { who: TraceWho; days: number };
    "trace.f2": { traceId: number };
    "trace.confirm": { traceId: number };
    "trace.notify": { traceId: number };
    "trace.enrollMenu": { traceId: number };
    /** groupId null: a new home-quarantine group. */
    "trace.enroll": { traceId: number; groupId: number | null };
    "trace.followUpList": { traceId: number };
    "trace.followUpShow": { contactId: number };
    "trace.followUp": { contactId: number; status: FollowUpStatus };
    "stats.show": { days: number };
    "audit.show": { actor?: string; subject?: string; export?: boolean };
    "invite.create": {
      role: "commune_officer" | "district_officer";
      scope: { type: "commune" | "province"; id: string };
      label: string;
    };
  }
}

export type OfficialsEffectType =
  | "trace.run"
  | "trace.f2"
  | "trace.confirm"
  | "trace.notify"
  | "trace.enrollMenu"
  | "trace.enroll"
  | "trace.followUpList"
  | "trace.followUpShow"
  | "trace.followUp"
  | "stats.show"
  | "audit.show"
  | "invite.create";
