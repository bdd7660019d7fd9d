import { randomInt } from "node:crypto";

// Short codes are what people type or send when a link cannot be opened (a Zalo chat, a poster read aloud):
// checkpoints and invitations share one shape, so one typed code can be looked up among all of them.

/** 31 characters without the look-alikes 0/O, 1/I/L. */
export const SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const SHORT_CODE_LENGTH = 8;
const SHORT_CODE = /^[2-9A-HJKMNP-Z]{8}$/;

/** 8 characters with at least one digit and one letter, so a typed word is never taken for a code. */
export function newShortCode(): string {
  for (;;) {
    const code = Array.from({ length: SHORT_CODE_LENGTH }, () => SHORT_CODE_ALPHABET[randomInt(31)]).join("");
    if (/\d/.test(code) && /[A-Z]/.test(code)) return code;
  }
}

/** A typed short code ("abcd-2345", "ABCD 2345") in its stored form, or null when it cannot be one. */
export function normalizeShortCode(typed: string): string | null {
  const s = typed
    .trim()
    .toUpperCase()
    .replace(/[\s.-]/g, "");
  return SHORT_CODE.test(s) && /\d/.test(s) && /[A-Z]/.test(s) ? s : null;
}

/** "ABCD-2345": how a short code is printed. */
export const displayShortCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
