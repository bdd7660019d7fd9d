import type { Feature } from "../../core/engine.js";
import { text } from "../../core/replies.js";
import { recordConsent } from "../../shared/users.js";
import { collectPersonalData } from "./collect.js";
import { CONSENT_FLOW, createConsentFlow, createNoticeFlow } from "./consent-flow.js";
import type {} from "./effects.js";
import { eraseEverything } from "./erase.js";
import { erasedText } from "./erased-reply.js";
import { createDeleteFlow, createMyDataFlow } from "./flows.js";
import { personalDataPdf } from "./mydata-pdf.js";
import { NOTICE_VERSION, type NoticeTerms } from "./notice.js";
import { visitsCsv } from "./summary.js";

export { collectPersonalData, type PersonalData } from "./collect.js";
export { type ErasureSummary, eraseEverything } from "./erase.js";
export { NOTICE_VERSION } from "./notice.js";

export interface PrivacyFeatureDeps {
  timeZone: string;
  /** The retention the notice states (the retention job's configuration). */
  retention: Omit<NoticeTerms, "version">;
}

/**
 * A person's rights over their data, across every feature: consent before anything is collected (a gate
 * every other flow passes), the notice (/privacy), all that is held (/mydata, with files) and its erasure
 * (/delete). It reads and erases the other features' data only through what their index.ts exports.
 */
export function privacyFeature(deps: PrivacyFeatureDeps): Feature {
  const terms: NoticeTerms = { version: NOTICE_VERSION, ...deps.retention };
  return {
    name: "privacy",
    userEffects: ["privacy.consent", "privacy.erase"],
    flows: [createConsentFlow(terms), createNoticeFlow(terms), createMyDataFlow(), createDeleteFlow()],
    gate: {
      flow: CONSENT_FLOW,
      // Asked once the language is known (the notice is read in it), before the phone.
      needed: (user) => user.lang !== null && (user.consentVersion ?? 0) < NOTICE_VERSION,
      // Seeing or erasing what is held collects nothing: open before consent too (and after /delete).
      open: ["privacy", "mydata", "delete"],
    },
    effects: {
      "privacy.consent": async (e, env) => {
        await recordConsent(env.tx, env.user.id, e.version, env.now);
        return undefined;
      },
      "privacy.files": async (_e, env) => {
        const d = await collectPersonalData(env.tx, env.user.id);
        return [await personalDataPdf(d, env.ctx), visitsCsv(d, env.ctx)];
      },
      "privacy.erase": async (_e, env) => {
        const summary = await eraseEverything(env.tx, env.user.id, env.now, deps.timeZone);
        return [text(erasedText(summary, env.ctx.t))];
      },
    },
  };
}
