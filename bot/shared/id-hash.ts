import { createHmac } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import { loadSettingsKey } from "./settings-key.js";

const SETTING = "id_number_hmac_key";

/**
 * ID numbers are stored only as HMAC-SHA-256 under a key generated once and kept in `settings`, so an export,
 * a log or a look over someone's shoulder shows no ID number, yet a tracer who types one finds the person.
 * It does not hold against someone with the whole database: the key is there too, and ID numbers are few
 * enough to enumerate. Keep database backups as secret as the data.
 */
export async function loadIdHashKey(db: DbOrTx, now: Date): Promise<Buffer> {
  return loadSettingsKey(db, SETTING, now);
}

/** The same number however it was typed: spaces, dots and dashes dropped, letters upper case. */
export function normalizeIdNumber(idNumber: string): string {
  return idNumber.replace(/[\s.-]/g, "").toUpperCase();
}

export function hashIdNumber(key: Buffer, idNumber: string): string {
  return createHmac("sha256", key).update(normalizeIdNumber(idNumber)).digest("hex");
}

const MASK = "•";

export function maskNumber(s: string): string {
  return MASK.repeat(Math.max(0, s.length - 3)) + s.slice(-3);
}

export function isMasked(s: unknown): s is string {
  return typeof s === "string" && s.startsWith(MASK) && /^•+[0-9A-Z]{1,3}$/.test(s);
}
