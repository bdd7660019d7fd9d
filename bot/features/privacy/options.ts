import { optionCodec } from "../../core/options.js";

export const CONSENT_FLOW = "consent";
export const DELETE_FLOW = "delete";

/** The consent screen: agree, or read the full notice first. */
export const consentOptions = optionCodec(CONSENT_FLOW, { agree: [], full: [] });

/** /delete's one question: erase everything, or keep it. */
export const deleteOptions = optionCodec(DELETE_FLOW, { yes: [], no: [] });
