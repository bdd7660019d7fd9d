import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { Keyring, SigningKeys } from "./signing-keys.js";

/**
 * What `GET /qr/keys` serves so that any checkpoint system can verify personal QR codes offline: each public
 * key with its id (the 4 bytes every token carries, hex), algorithm (Ed25519) and raw key (base64url, as in
 * a JWK's `x`). The current key signs new codes; a previous one still verifies codes it signed until they
 * expire (at most `tokenValidDays` after the key was replaced).
 */
export interface PublishedKeys {
  format: "hd-qr-keys/1";
  tokenPrefix: string;
  tokenValidDays: number;
  keys: { kid: string; alg: "Ed25519"; x: string; status: "current" | "previous" }[];
}

export function publishKeys(
  keys: SigningKeys,
  opts: { tokenPrefix: string; tokenValidDays: number },
): PublishedKeys {
  return {
    format: "hd-qr-keys/1",
    tokenPrefix: opts.tokenPrefix,
    tokenValidDays: opts.tokenValidDays,
    keys: [...keys.keyring].map(([kid, key]) => ({
      kid,
      alg: "Ed25519" as const,
      x: key.export({ format: "jwk" }).x ?? "",
      status: kid === keys.current.keyId ? ("current" as const) : ("previous" as const),
    })),
  };
}

const publishedSchema = z.object({
  keys: z
    .array(
      z.object({ kid: z.string().regex(/^[0-9a-f]{8}$/), alg: z.literal("Ed25519"), x: z.string().min(43) }),
    )
    .min(1),
});

/** A keyring from a published keys document; throws with what is wrong. */
export function keyringFromPublished(doc: unknown): Keyring {
  const parsed = publishedSchema.parse(doc);
  const ring = new Map<string, KeyObject>();
  for (const k of parsed.keys)
    ring.set(k.kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: k.x }, format: "jwk" }));
  return ring;
}
