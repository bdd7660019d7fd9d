import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import { settings } from "../../../db/schema/index.js";

/** An Ed25519 key that signs personal QR codes; `keyId` (4 bytes, hex) travels in every token. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Public keys a token may be signed with, by key id. */
export type Keyring = ReadonlyMap<string, KeyObject>;

export interface SigningKeys {
  current: SigningKey;
  keyring: Keyring;
}

const SETTING = "qr_signing_key";
// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

/** QR_SIGNING_KEY: a PKCS#8 PEM, or the 32-byte seed in base64 or base64url. */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith("-----BEGIN")) key = createPrivateKey(trimmed);
    else {
      const seed = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
      if (seed.length !== 32) throw new SigningKeyError("the seed must be 32 bytes in base64 or base64url");
      key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    }
  } catch (err) {
    if (err instanceof SigningKeyError) throw err;
    throw new SigningKeyError(`QR_SIGNING_KEY is not a readable private key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError("QR_SIGNING_KEY must be an Ed25519 key");
  return key;
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  const keyId = createHash("sha256").update(raw).digest().subarray(0, 4).toString("hex");
  return { keyId, privateKey, publicKey };
}

/** A fresh key as the base64url seed QR_SIGNING_KEY accepts. */
export function generateSeed(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return privateKey.export({ format: "jwk" }).d ?? "";
}

const storedSchema = (v: unknown): string | null =>
  v && typeof v === "object" && typeof (v as { seed?: unknown }).seed === "string"
    ? (v as { seed: string }).seed
    : null;

async function storedSeed(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SETTING));
  return row ? storedSchema(row.value) : null;
}

/**
 * The signing key: QR_SIGNING_KEY when configured, else one generated on first use and kept in `settings`
 * (concurrent first uses agree: the first insert wins and everyone reads it back). The stored key stays in
 * the keyring after a configured key takes over, so codes already handed out still verify.
 */
export async function loadSigningKeys(
  db: DbOrTx,
  opts: { configured?: string; now: Date },
): Promise<SigningKeys> {
  let seed = await storedSeed(db);
  if (!opts.configured && !seed) {
    await db
      .insert(settings)
      .values({
        key: SETTING,
        value: { seed: generateSeed(), createdAt: opts.now.toISOString() },
        updatedAt: opts.now,
      })
      .onConflictDoNothing();
    seed = await storedSeed(db);
    if (!seed) throw new SigningKeyError("could not keep a generated signing key");
  }
  const stored = seed ? signingKeyFrom(parseSigningKey(seed)) : undefined;
  const current = opts.configured ? signingKeyFrom(parseSigningKey(opts.configured)) : stored!;
  const keyring = new Map<string, KeyObject>();
  if (stored) keyring.set(stored.keyId, stored.publicKey);
  keyring.set(current.keyId, current.publicKey);
  return { current, keyring };
}
