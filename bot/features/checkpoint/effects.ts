import type { CheckpointKind } from "./checkpoints.js";
import type { CheckinState } from "./visits.js";

/** Effects of the checkpoint feature, run by index.ts inside the update's transaction. */
declare module "../../core/types.js" {
  interface EffectMap {
    "checkpoint.create": {
      name: string;
      parentId: number | null;
      phone: string | null;
      provinceCode: string | null;
      communeCode: string | null;
      address: string;
      kind: CheckpointKind;
      stayMinutes: number;
    };
    /**
     * The visitor checks themselves in. The flow's load read, in one statement of the same transaction, the
     * checkpoint, the visitor's state (open visit, locked, and today's count) and the venue notes' lines.
     */
    "checkpoint.checkin": {
      checkpointId: number;
      name: string;
      stayMinutes: number;
      method: "link" | "photo" | "code";
      state?: CheckinState;
      /** Shown under the confirmation when a visit was created (safety rating, area level). */
      notes?: string[];
    };
    "checkpoint.checkout": { visitId: number };
    /** "Not me" on the notice of a check-in staff made by the person's phone: the visit is refused. */
    "checkpoint.notMe": { visitId: number };
    "checkpoint.checkoutCurrent": Record<never, never>;
    /** A photo (or image file) sent with no flow active: a poster to check in at, or a personal QR for staff. */
    "checkpoint.photo": { fileRef: string; size?: number };
    /** A photo sent in staff scanning mode, of a resident's personal QR. */
    "checkpoint.staffPhoto": { checkpointId: number; fileRef: string; size?: number };
    /** A personal QR's text as a scanner read it (Telegram's in-app scanner), checked like a photo of it. */
    "checkpoint.staffToken": { checkpointId: number; token: string };
    "checkpoint.staffManual": { checkpointId: number; name: string; phone: string };
    "checkpoint.view": { checkpointId: number; edit?: boolean };
    /** Local days, "YYYY-MM-DD". */
    "checkpoint.export": { checkpointId: number; from: string; to: string };
    "checkpoint.poster": { checkpointId: number };
    "checkpoint.inviteStaff": { checkpointId: number };
    "checkpoint.rotate": { checkpointId: number };
  }
}

export type CheckpointEffectType =
  | "checkpoint.create"
  | "checkpoint.checkin"
  | "checkpoint.checkout"
  | "checkpoint.notMe"
  | "checkpoint.checkoutCurrent"
  | "checkpoint.photo"
  | "checkpoint.staffPhoto"
  | "checkpoint.staffToken"
  | "checkpoint.staffManual"
  | "checkpoint.view"
  | "checkpoint.export"
  | "checkpoint.poster"
  | "checkpoint.inviteStaff"
  | "checkpoint.rotate";
