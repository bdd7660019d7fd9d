import { optionCodec } from "../../core/options.js";

export const INVITATION_FLOW = "invitation";

/** Accepting or declining an invitation opened by its link. */
export const invitationOptions = optionCodec(INVITATION_FLOW, { accept: [], decline: [] });
