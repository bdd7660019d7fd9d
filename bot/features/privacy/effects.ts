declare module "../../core/types.js" {
  interface EffectMap {
    /** /delete confirmed: erase everything held about the account (see erase.ts). */
    "privacy.erase": Record<never, never>;
    /** The consent screen was agreed to: record its version and time. */
    "privacy.consent": { version: number };
    /** /mydata's files as Zalo can carry them: everything as a PDF, the visits as CSV. */
    "privacy.files": Record<never, never>;
  }
}

export {};
