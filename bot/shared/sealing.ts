import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DbOrTx } from "../../db/client.js";
import { loadSettingsKey } from "./settings-key.js";

/**
 * AES-256-GCM under a key generated once into `settings` (under `name`), for data kept only for a while and
 * read back by the bot alone (an unfinished declaration with its ID number). Like the ID-number hash key, it
 * keeps the clear value out of exports, dumps of one table and casual looks; not from someone holding the
 * whole database.
 */
export async function loadSealingKey(db: DbOrTx, name: string, now: Date): Promise<Buffer> {
  return loadSettingsKey(db, name, now);
}

/** base64url(iv ‖ tag ‖ ciphertext) of the JSON of `value`. */
export function seal(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The value back, or null when it was sealed under another key or altered. */
export function unseal(key: Buffer, sealed: string): unknown {
  try {
    const raw = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    return JSON.parse(text);
  } catch {
    return null;
  }
}
